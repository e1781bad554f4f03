import { serviceEnvSchema } from '@cardlink/platform';

/** Every setting of order-processing, validated at start-up. */
export const configSchema = serviceEnvSchema({ port: 3001, schema: 'orders' });
