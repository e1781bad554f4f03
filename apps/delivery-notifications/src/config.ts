import { serviceEnvSchema } from '@cardlink/platform';

/** Every setting of delivery-notifications, validated at start-up. */
export const configSchema = serviceEnvSchema({ port: 3004, schema: 'delivery' });
