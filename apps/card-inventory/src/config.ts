import { serviceEnvSchema } from '@cardlink/platform';

/** Every setting of card-inventory, validated at start-up. */
export const configSchema = serviceEnvSchema({ port: 3003, schema: 'inventory' });
