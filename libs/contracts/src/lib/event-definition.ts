import type { z } from 'zod';
import type { ServiceName, TopicName } from './topics';

/**
 * One event type: its CloudEvents `type` (cardlink.<context>.<event>.v<N>),
 * the topic it travels on, who produces and consumes it, and its payload schema.
 * Compatibility rule: add optional fields freely; anything else is a new
 * version published beside the old one until every consumer has moved.
 */
export interface EventDefinition<TSchema extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly topic: TopicName;
  readonly producer: ServiceName;
  readonly consumers: readonly ServiceName[];
  /** What the CloudEvents `subject` (and the Kafka key) holds. */
  readonly subject: string;
  readonly description: string;
  readonly schema: TSchema;
}

const TYPE_PATTERN = /^cardlink\.[a-z]+\.[a-z]+(?:-[a-z]+)*\.v[1-9][0-9]*$/;

export function defineEvent<TSchema extends z.ZodType>(definition: EventDefinition<TSchema>): EventDefinition<TSchema> {
  if (!TYPE_PATTERN.test(definition.type)) {
    throw new Error(`event type "${definition.type}" does not follow cardlink.<context>.<event>.v<N>`);
  }
  return Object.freeze(definition);
}

export type EventData<D> = D extends EventDefinition<infer S> ? z.infer<S> : never;
