import { createHash } from 'node:crypto';
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

/** Buyer contacts are matched by this keyed hash in every service that holds them, so it is one value (docs/privacy.md). */
const PERSONAL_DATA_MATCH_KEY = 'egy6XVi00lSIfAeX4GFAgF8FgumwhqSmgRIpoTdhGLI=';

/**
 * Development-only secrets of the local demo, documented in each service's
 * README; production values come from Kubernetes Secrets.
 */
const LOCAL_DEMO_SECRETS: Record<string, Record<string, string>> = {
  'shop-gateway': {
    PERSONAL_DATA_KEYS: 'pd1:ZgpYjoGzQ3Eq7RELZEY0mLIZPrP2l8cwx5l5sff1Vm8=',
    PERSONAL_DATA_MATCH_KEY: PERSONAL_DATA_MATCH_KEY,
    SHOP_WEBHOOK_SECRET: 'whsec_pXiPSm2QisH0b36Sy3f0hbO3Eayspa0ptO9xJ3dfWRY=',
    PAYMENT_PROVIDER_SECRET: 'bc0ba8fa606bc4d36655baab3f637ad34f8cf63b17779293cda31645f72e3452',
  },
  'order-processing': {
    PERSONAL_DATA_KEYS: 'pd1:x4lEPbazeRp3+QlweO5yl0cwlxtaK8HkdqNn8m6TFTA=',
    PERSONAL_DATA_MATCH_KEY: PERSONAL_DATA_MATCH_KEY,
    // The shop simulator's defaults (tools/shop-simulator): refunds go there.
    SHOP_API_URL: 'http://127.0.0.1:4100',
    SHOP_CLIENT_ID: 'cardlink',
    SHOP_CLIENT_SECRET: 'cardlink-dev-secret',
  },
  'card-inventory': {
    CARD_ENCRYPTION_KEYS: 'k1:s6GMwSxDDdEoOYx/6+sD7WuRKxnS1wy1b+yln4sDDjs=',
    CARD_FINGERPRINT_KEY: '1y7Ushwddr3BUbruJLTqxsawzNQ5I9H1LTNwEpuDCZI=',
    // Public half of the delivery service's X25519 key below: inventory can seal, never open.
    CARD_DELIVERY_PUBLIC_KEY: 'McKFdlgg0yBp9u8q6cD2bxBqNOThLFl+EToeGRj83Tc=',
  },
  'risk-control': {
    PERSONAL_DATA_KEYS: 'pd1:JL3DX0fn7BEjDSWCp39w56xtrWy3rbaUZAbiWsZ0jFI=',
    PERSONAL_DATA_MATCH_KEY: PERSONAL_DATA_MATCH_KEY,
    RISK_COUNTER_KEY: 'QGT62PtXM4gmvD3etZTyrwLu+vnOKXKZBqSoI7e2X+o=',
  },
  'delivery-notifications': {
    PERSONAL_DATA_KEYS: 'pd1:LRIQWee+JPTXjVDwvCop60uESRA89olORqeqroiCxQI=',
    PERSONAL_DATA_MATCH_KEY: PERSONAL_DATA_MATCH_KEY,
    CARD_DELIVERY_PRIVATE_KEY: 'MC4CAQAwBQYDK2VuBCIEIGCJ2iwZlvVNEdNcH6Q8uwN0g+B+LtM/Xte8i2NjlsJo',
    PICKUP_LINK_SECRET: '5c1b0f9e3d7a4b2e8f6c0a9d1e7b3f5a2c4e6d8b0a1f3e5c7d9b2a4f6e8c0d1b',
    // The shop simulator's defaults (tools/shop-simulator): fulfilments and SMS go there.
    SHOP_API_URL: 'http://127.0.0.1:4100',
    SHOP_CLIENT_ID: 'cardlink',
    SHOP_CLIENT_SECRET: 'cardlink-dev-secret',
    SMS_API_URL: 'http://127.0.0.1:4100',
    SMS_API_KEY: 'sms-dev-key',
  },
  'catalog-sync': {
    // The shop simulator's defaults (tools/shop-simulator): listings and stock go there.
    SHOP_API_URL: 'http://127.0.0.1:4100',
    SHOP_CLIENT_ID: 'cardlink',
    SHOP_CLIENT_SECRET: 'cardlink-dev-secret',
  },
};

/** One development-only demo setting, for tools that play the other side (the shop simulator signs with the gateway's secret). */
export function localDemoSetting(service: string, name: string): string {
  const value = LOCAL_DEMO_SECRETS[service]?.[name];
  if (value === undefined) throw new Error(`no local demo setting ${name} for ${service}`);
  return value;
}

/**
 * The local demo's admin token (development only, printed by `npm start`): it
 * holds every admin scope, so a developer can try each service's API.
 */
export const DEMO_ADMIN_TOKEN = 'clk_local_demo_admin';
const DEMO_ADMIN_SCOPES = [
  'orders:read',
  'orders:write',
  'risk:review',
  'risk:admin',
  'inventory:import',
  'inventory:read',
  'inventory:void',
  'inventory:reveal',
  'delivery:admin',
  'catalog:read',
  'catalog:write',
  'reconciliation:run',
  'reconciliation:read',
  'settlement:read',
  'settlement:write',
  'aftersale:handle',
  'privacy:erase',
];

/** The environment one service needs to run against the local stack. */
export function localServiceEnv(name: string, opts: { database?: string } = {}): Record<string, string> {
  const spec = serviceSpec(name);
  const db = opts.database ?? LOCAL.database;
  return {
    PORT: String(spec.port),
    DATABASE_URL: `postgres://${spec.role}:${localRolePassword(spec.role)}@${LOCAL.pgHost}:${LOCAL.pgPort}/${db}`,
    DATABASE_SCHEMA: spec.schema,
    KAFKA_BROKERS: kafkaBrokers(),
    API_CREDENTIALS: `demo-admin:${DEMO_ADMIN_SCOPES.join(',')}:${createHash('sha256').update(DEMO_ADMIN_TOKEN).digest('hex')}`,
    ...LOCAL_DEMO_SECRETS[name],
  };
}

export const SERVICE_NAMES = SERVICES.map((s) => s.name);
