import { z } from 'zod';
import { serviceEnvSchema } from '@cardlink/platform';
import { shopClientEnvSchema } from '@cardlink/shop-client';
import { parseFieldPolicy } from './drift/field-policy';

const millis = (min: number, max: number, fallback: number) =>
  z.coerce.number({ message: 'expected milliseconds' }).int().min(min, `at least ${min} ms`).max(max, `at most ${max} ms`).default(fallback);

/** Every setting of catalog-sync, validated at start-up. */
export const configSchema = serviceEnvSchema({ port: 3005, schema: 'catalog' })
  .extend(shopClientEnvSchema.shape)
  .extend({
    /** Units held back from the shop on every listing, to absorb sales and allocations still on their way. */
    STOCK_SAFETY_MARGIN: z.coerce.number({ message: 'expected a whole number of units' }).int().min(0, 'at least 0').max(100_000).default(0),
    /** At most one stock call per listing per interval: bursts of stock changes coalesce. */
    STOCK_MIN_INTERVAL_MS: millis(100, 60_000, 1_000),
    /** An allocated order no count ever names (counted by a card-inventory that did not name orders yet) leaves in-flight after this. */
    IN_FLIGHT_ALLOCATED_TTL_MS: millis(1_000, 86_400_000, 300_000),
    /** How often the sync queue is checked for due work (it is also woken on every change). */
    SYNC_POLL_INTERVAL_MS: millis(20, 60_000, 250),
    /** Longest wait between retries of a failing shop call. */
    SYNC_MAX_BACKOFF_MS: millis(100, 3_600_000, 60_000),
    /** How often reconciliation compares every shop listing with the catalog; 0 turns the schedule off. */
    RECONCILE_INTERVAL_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(0).max(86_400_000).default(600_000),
    /** Per-field policy for shop-side changes: `field:revert|accept|report`, comma-separated, over the defaults (price:revert, …). */
    SHOP_FIELD_POLICY: z
      .string()
      .default('')
      .transform((text, ctx) => {
        const parsed = parseFieldPolicy(text);
        if ('problems' in parsed) {
          for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
          return z.NEVER;
        }
        return parsed.policy;
      }),
  });

export type CatalogConfig = z.infer<typeof configSchema>;
