import { serviceEnvSchema } from '@cardlink/platform';

/** Every setting of shop-gateway, validated at start-up. */
export const configSchema = serviceEnvSchema({ port: 3000, schema: 'gateway' });
