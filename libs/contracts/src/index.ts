export * from './lib/primitives';
export * from './lib/topics';
export * from './lib/event-definition';
export * from './lib/events';
export * from './lib/envelope';
export { buildAsyncApiDocument } from './lib/asyncapi';
