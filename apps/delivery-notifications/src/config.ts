import { z } from 'zod';
import type { KeyObject } from 'node:crypto';
import { decodeBase64Strict, KeyringError, parsePrivateKey } from '@cardlink/card-crypto';
import { personalDataEnvSchema, personalDataKeysTogether } from '@cardlink/personal-data';
import { serviceEnvSchema } from '@cardlink/platform';
import { shopClientEnvSchema } from '@cardlink/shop-client';

const PKCS8_X25519_BYTES = 48;

/**
 * The delivery key as PEM, as base64 of its 32 raw bytes, or as base64 of its
 * PKCS#8 DER form (what `openssl pkey -outform DER | base64` prints).
 */
export function deliveryPrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (!trimmed.startsWith('-----BEGIN') && decodeBase64Strict(trimmed, 'the private key').length === PKCS8_X25519_BYTES) {
    return parsePrivateKey(`-----BEGIN PRIVATE KEY-----\n${trimmed}\n-----END PRIVATE KEY-----`);
  }
  return parsePrivateKey(trimmed);
}

const privateKey = z.string({ message: 'required: base64 of the X25519 private key (raw 32 bytes or PKCS#8 DER), or PEM' }).transform((text, ctx) => {
  try {
    return deliveryPrivateKey(text);
  } catch (error) {
    if (!(error instanceof KeyringError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

const flag = z
  .enum(['true', 'false'], { message: 'expected true or false' })
  .default('false')
  .transform((v) => v === 'true');

const int = (message: string, min: number, max: number, fallback: number) =>
  z.coerce.number({ message }).int(message).min(min, `at least ${min}`).max(max, `at most ${max}`).default(fallback);

/** Every setting of delivery-notifications, validated at start-up. */
export const configSchema = serviceEnvSchema({ port: 3004, schema: 'delivery' })
  .extend(shopClientEnvSchema.shape)
  .extend(personalDataEnvSchema.shape)
  .extend({
    /** Opens the secrets card-inventory sealed for this service. */
    CARD_DELIVERY_PRIVATE_KEY: privateKey,
    /** HMAC key of pickup links; changing it invalidates every link sent. */
    PICKUP_LINK_SECRET: z.string({ message: 'required: at least 32 random characters' }).min(32, 'must be at least 32 characters'),
    PICKUP_LINK_TTL_HOURS: int('expected hours', 1, 24 * 90, 24 * 7),
    /** Where buyers reach this service's pickup page, e.g. https://cards.example.com */
    PUBLIC_BASE_URL: z.url({ message: 'expected a URL such as https://cards.example.com' }).default('http://127.0.0.1:3004'),
    PICKUP_RATE_LIMIT_PER_IP: int('expected a number of requests', 1, 10_000, 30),
    PICKUP_RATE_LIMIT_PER_ORDER: int('expected a number of requests', 1, 10_000, 10),
    PICKUP_RATE_WINDOW_SECONDS: int('expected seconds', 1, 86_400, 600),
    PICKUP_CODE_TTL_MINUTES: int('expected minutes', 1, 1_440, 15),
    /** After-sale: a card reported this recently cannot be reported again; one buyer sends this many reports a day at most. */
    AFTERSALE_CARD_REPORT_WINDOW_HOURS: int('expected hours', 1, 24 * 365, 72),
    AFTERSALE_REPORTS_PER_BUYER_PER_DAY: int('expected a number of reports', 1, 1_000, 3),
    /** How long a cards page's report forms can be sent. */
    PICKUP_REPORT_TTL_MINUTES: int('expected minutes', 1, 1_440, 30),

    /** Unset: the email channel fails permanently with "no SMTP server configured". */
    SMTP_HOST: z.string().min(1, 'must not be empty').optional(),
    SMTP_PORT: int('expected a port', 1, 65_535, 587),
    SMTP_SECURE: flag,
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    SMTP_TIMEOUT_MS: int('expected milliseconds', 100, 120_000, 10_000),
    MAIL_FROM: z.string().min(3, 'expected a sender such as "Shop <cards@example.com>"').default('cardlink <no-reply@cardlink.local>'),

    /** Unset: the SMS channel fails permanently with "no SMS provider configured". */
    SMS_API_URL: z.url({ message: 'expected the SMS provider base URL' }).optional(),
    SMS_API_KEY: z.string().min(1, 'must not be empty').optional(),

    /** The merchant's endpoint for the webhook channel, signed with Standard Webhooks. */
    MERCHANT_WEBHOOK_URL: z.url({ message: 'expected the merchant webhook URL' }).optional(),
    MERCHANT_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'expected whsec_<base64>').optional(),
    WEBHOOK_TIMEOUT_MS: int('expected milliseconds', 100, 120_000, 10_000),

    DELIVERY_MAX_ATTEMPTS: int('expected a number of attempts', 1, 50, 8),
    DELIVERY_RETRY_BASE_MS: int('expected milliseconds', 10, 3_600_000, 2_000),
    DELIVERY_RETRY_MAX_MS: int('expected milliseconds', 10, 86_400_000, 600_000),
    DELIVERY_POLL_INTERVAL_MS: int('expected milliseconds', 10, 60_000, 500),
    DELIVERY_BATCH_SIZE: int('expected a number of deliveries', 1, 1_000, 20),
    /** How long a claimed delivery is held before another replica may try it (a crash mid-send). */
    DELIVERY_CLAIM_SECONDS: int('expected seconds', 5, 3_600, 120),
    /** Email and SMS older than this are not sent after an outage; the buyer uses the pickup page. */
    DELIVERY_MAX_MESSAGE_AGE_SECONDS: int('expected seconds', 1, 30 * 86_400, 3_600),
  })
  .superRefine((config, ctx) => {
    if (config.MERCHANT_WEBHOOK_URL && !config.MERCHANT_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['MERCHANT_WEBHOOK_SECRET'], message: 'required when MERCHANT_WEBHOOK_URL is set' });
    }
    if (config.SMS_API_URL && !config.SMS_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SMS_API_KEY'], message: 'required when SMS_API_URL is set' });
    }
    if (config.DELIVERY_RETRY_MAX_MS < config.DELIVERY_RETRY_BASE_MS) {
      ctx.addIssue({ code: 'custom', path: ['DELIVERY_RETRY_MAX_MS'], message: 'must not be below DELIVERY_RETRY_BASE_MS' });
    }
  })
  .superRefine(personalDataKeysTogether);

export type DeliveryConfig = z.infer<typeof configSchema>;
