export * from './lib/primitives';
export * from './lib/order-states';
export * from './lib/topics';
export * from './lib/event-definition';
export * from './lib/events';
export * from './lib/envelope';
export { ASYNCAPI_YAML_HEADER, buildAsyncApiDocument, renderAsyncApiYaml } from './lib/asyncapi';
