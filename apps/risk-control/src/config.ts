import { serviceEnvSchema } from '@cardlink/platform';

/** Every setting of risk-control, validated at start-up. */
export const configSchema = serviceEnvSchema({ port: 3002, schema: 'risk' });
