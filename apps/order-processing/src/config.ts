import { z } from 'zod';
import { personalDataEnvSchema, personalDataKeysTogether } from '@cardlink/personal-data';
import { serviceEnvSchema } from '@cardlink/platform';
import { shopClientEnvSchema } from '@cardlink/shop-client';

const milliseconds = (what: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ message: `expected milliseconds (${what})` })
    .int('expected whole milliseconds')
    .min(min, `at least ${min} ms`)
    .max(max, `at most ${max} ms`)
    .default(fallback);

const DAY_MS = 86_400_000;

/** Every setting of order-processing, validated at start-up. */
export const configSchema = serviceEnvSchema({ port: 3001, schema: 'orders' })
  .extend(shopClientEnvSchema.shape)
  .extend(personalDataEnvSchema.shape)
  .extend({
    /** An order out of stock this long is refunded; default 30 min. */
    OUT_OF_STOCK_REFUND_AFTER_MS: milliseconds('how long a backorder may wait before its refund', 1, 30 * DAY_MS, 30 * 60_000),
    OUT_OF_STOCK_SWEEP_INTERVAL_MS: milliseconds('how often to look for backorders that waited too long', 10, 3_600_000, 60_000),
    REFUND_POLL_INTERVAL_MS: milliseconds('how often to look for refund requests due', 10, 600_000, 1_000),
    REFUND_RETRY_BASE_MS: milliseconds('wait after the first failed refund attempt', 10, 3_600_000, 5_000),
    REFUND_RETRY_MAX_MS: milliseconds('longest wait between refund attempts', 10, DAY_MS, 600_000),
    /** A sender holds a request this long while calling the shop; the call is aborted before it runs out. */
    REFUND_CALL_LEASE_MS: milliseconds('how long one call to the shop may take, retries included', 2_000, 3_600_000, 120_000),
    /** UTC time of day from which yesterday (UTC) is reconciled, or `off`. */
    RECONCILIATION_DAILY_AT: z
      .string()
      .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'expected HH:MM (UTC, 24-hour) or off')
      .default('02:00'),
    RECONCILIATION_POLL_INTERVAL_MS: milliseconds('how often to start the daily run or resume an unfinished one', 10, 3_600_000, 60_000),
    RECONCILIATION_PAGE_SIZE: z.coerce.number({ message: 'expected a page size' }).int('expected a whole page size').min(1, 'at least 1').max(500, 'at most 500 (the shop’s limit)').default(100),
    /** A paid order neither delivered nor refunded this long after payment is a finding. */
    RECONCILIATION_DELIVERY_DEADLINE_MS: milliseconds('how long a paid order may wait for delivery or refund', 1_000, 30 * DAY_MS, 3_600_000),
    /** Settlement files read past the range's last day, for refunds made later. */
    RECONCILIATION_REFUND_LOOKAHEAD_DAYS: z.coerce.number({ message: 'expected days' }).int('expected whole days').min(0, 'at least 0').max(31, 'at most 31').default(3),
    /** A worker holds a run this long without progress before another may take it over. */
    RECONCILIATION_LEASE_MS: milliseconds('how long a run may go without progress before another worker takes it', 1_000, DAY_MS, 600_000),
    /** A card reported this recently (or with its case still open) cannot be reported again. */
    AFTERSALE_CARD_REPORT_WINDOW_HOURS: z.coerce.number({ message: 'expected hours' }).int('expected whole hours').min(1, 'at least 1').max(24 * 365, 'at most 8760').default(72),
    AFTERSALE_REPORTS_PER_BUYER_PER_DAY: z.coerce.number({ message: 'expected a number of reports' }).int('expected a whole number').min(1, 'at least 1').max(1_000, 'at most 1000').default(3),
    AFTERSALE_SWEEP_INTERVAL_MS: milliseconds('how often to close after-sale cases whose order was refunded', 10, 3_600_000, 5_000),
  })
  .refine((c) => c.REFUND_RETRY_MAX_MS >= c.REFUND_RETRY_BASE_MS, {
    path: ['REFUND_RETRY_MAX_MS'],
    message: 'must not be below REFUND_RETRY_BASE_MS',
  })
  .superRefine(personalDataKeysTogether);

export type OrderProcessingConfig = z.infer<typeof configSchema>;
