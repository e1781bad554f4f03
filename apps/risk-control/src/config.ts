import { z } from 'zod';
import { personalDataEnvSchema, personalDataKeysTogether } from '@cardlink/personal-data';
import { serviceEnvSchema } from '@cardlink/platform';

const milliseconds = (fallback: number, min: number) =>
  z.coerce.number({ message: 'expected a number of milliseconds' }).int().min(min).default(fallback);

/** Every setting of risk-control, validated at start-up. */
export const configSchema = serviceEnvSchema({ port: 3002, schema: 'risk' })
  .extend(personalDataEnvSchema.shape)
  .extend({
    /** HMAC key of the counters' identity keys: the counter tables never hold a contact. */
    RISK_COUNTER_KEY: z
      .string({ message: 'required: at least 32 random characters, e.g. the base64 of 32 random bytes' })
      .min(32, 'at least 32 characters (e.g. the base64 of 32 random bytes)'),
    /** How long an order may wait for a reviewer before the default decision applies (default 4 h). */
    RISK_REVIEW_TIMEOUT_MS: milliseconds(4 * 3_600_000, 1_000),
    /** What a review left past its time becomes. */
    RISK_REVIEW_TIMEOUT_DECISION: z.enum(['reject', 'approve'], { message: 'expected reject or approve' }).default('reject'),
    /** How often overdue reviews are decided and old counter buckets are removed. */
    RISK_HOUSEKEEPING_INTERVAL_MS: milliseconds(30_000, 100),
    /** How long a replica keeps the active rule set before looking for a newer version (changes made through it apply at once). */
    RISK_RULE_SET_REFRESH_MS: milliseconds(5_000, 0),
  })
  .superRefine(personalDataKeysTogether);

export type RiskConfig = z.infer<typeof configSchema>;
