import { serviceSpec, SERVICES } from './services';

/**
 * Connection settings of the local stack. Everything can be overridden from
 * the environment; the defaults match what `npm run stack:up` starts.
 */
export const LOCAL = {
  pgHost: process.env.CARDLINK_PG_HOST ?? '127.0.0.1',
  pgPort: Number(process.env.CARDLINK_PG_PORT ?? 5432),
  pgAdminUser: process.env.CARDLINK_PG_ADMIN_USER ?? 'postgres',
  database: process.env.CARDLINK_DB ?? 'cardlink',
  testDatabase: process.env.CARDLINK_TEST_DB ?? 'cardlink_test',
  kafkaHost: process.env.CARDLINK_KAFKA_HOST ?? '127.0.0.1',
  kafkaPort: Number(process.env.CARDLINK_KAFKA_PORT ?? 9092),
  kafkaControllerPort: Number(process.env.CARDLINK_KAFKA_CONTROLLER_PORT ?? 9093),
};

/** Development-only role password; production passwords come from Kubernetes Secrets. */
export function localRolePassword(role: string): string {
  return `${role}_dev`;
}

export function adminDatabaseUrl(database = 'postgres'): string {
  return `postgres://${LOCAL.pgAdminUser}@${LOCAL.pgHost}:${LOCAL.pgPort}/${database}`;
}

export function kafkaBrokers(): string {
  return `${LOCAL.kafkaHost}:${LOCAL.kafkaPort}`;
}

/**
 * Development-only secrets of the local demo, documented in each service's
 * README; production values come from Kubernetes Secrets.
 */
const LOCAL_DEMO_SECRETS: Record<string, Record<string, string>> = {
  'shop-gateway': {
    SHOP_WEBHOOK_SECRET: 'whsec_pXiPSm2QisH0b36Sy3f0hbO3Eayspa0ptO9xJ3dfWRY=',
    PAYMENT_PROVIDER_SECRET: 'bc0ba8fa606bc4d36655baab3f637ad34f8cf63b17779293cda31645f72e3452',
  },
  'card-inventory': {
    CARD_ENCRYPTION_KEYS: 'k1:s6GMwSxDDdEoOYx/6+sD7WuRKxnS1wy1b+yln4sDDjs=',
    CARD_FINGERPRINT_KEY: '1y7Ushwddr3BUbruJLTqxsawzNQ5I9H1LTNwEpuDCZI=',
    // Public half of the delivery service's X25519 key below: inventory can seal, never open.
    CARD_DELIVERY_PUBLIC_KEY: 'McKFdlgg0yBp9u8q6cD2bxBqNOThLFl+EToeGRj83Tc=',
  },
  'delivery-notifications': {
    CARD_DELIVERY_PRIVATE_KEY: 'MC4CAQAwBQYDK2VuBCIEIGCJ2iwZlvVNEdNcH6Q8uwN0g+B+LtM/Xte8i2NjlsJo',
  },
};

/** The environment one service needs to run against the local stack. */
export function localServiceEnv(name: string, opts: { database?: string } = {}): Record<string, string> {
  const spec = serviceSpec(name);
  const db = opts.database ?? LOCAL.database;
  return {
    PORT: String(spec.port),
    DATABASE_URL: `postgres://${spec.role}:${localRolePassword(spec.role)}@${LOCAL.pgHost}:${LOCAL.pgPort}/${db}`,
    DATABASE_SCHEMA: spec.schema,
    KAFKA_BROKERS: kafkaBrokers(),
    ...LOCAL_DEMO_SECRETS[name],
  };
}

export const SERVICE_NAMES = SERVICES.map((s) => s.name);
