import { serviceEnvSchema } from '@cardlink/platform';

/** Every setting of catalog-sync, validated at start-up. */
export const configSchema = serviceEnvSchema({ port: 3005, schema: 'catalog' });
