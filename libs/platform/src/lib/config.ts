import { z } from 'zod';
import { CredentialFormatError, parseCredentials } from '@cardlink/auth';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number({ message: 'expected a port number' }).int().min(1).max(65535);

/** Settings every service reads. A service extends this with its own. */
export const platformEnvSchema = z.object({
  PORT: port,
  DATABASE_URL: z
    .string({ message: 'required, e.g. postgres://role:password@127.0.0.1:5432/cardlink' })
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL'),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case schema name'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_MIGRATE_ON_START: booleanFlag.default(false),
  KAFKA_BROKERS: z
    .string({ message: 'required, e.g. 127.0.0.1:9092 (comma-separated for several)' })
    .transform((v) => v.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1, 'at least one broker')),
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  KAFKA_CONSUMER_GROUP: z.string().min(1).optional(),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, dot, dash and underscore only').default(''),
  KAFKA_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(5).max(60_000).default(100),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Admin API callers; unset admits nobody to a scoped route.
  API_CREDENTIALS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseCredentials(text);
      } catch (error) {
        if (!(error instanceof CredentialFormatError)) throw error;
        for (const message of error.problems) ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
    }),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(25_000),
});

export type PlatformConfig = z.infer<typeof platformEnvSchema>;

/** The platform settings with one service's defaults: its port and its schema. */
export function serviceEnvSchema(defaults: { port: number; schema: string }) {
  return platformEnvSchema.extend({
    PORT: port.default(defaults.port),
    DATABASE_SCHEMA: platformEnvSchema.shape.DATABASE_SCHEMA.default(defaults.schema),
  });
}

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment against a schema. Every missing or wrong variable
 * is named in one error, so a deployment is fixed in one go.
 */
export function loadConfig<S extends z.ZodType>(service: string, schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.length ? String(issue.path[0]) : '(environment)';
    const given = issue.path.length ? env[name] : undefined;
    if (given === undefined) return `${name} is missing: ${issue.message.replace(/^Invalid input: expected .*, received undefined$/, 'required')}`;
    return `${name} is invalid: ${issue.message}`;
  });
  throw new ConfigError(service, problems);
}
