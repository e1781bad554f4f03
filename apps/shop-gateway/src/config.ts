import { z } from 'zod';
import { serviceEnvSchema } from '@cardlink/platform';
import { alipayPublicKey } from './payment-callbacks/alipay-provider';

/** Standard Webhooks secrets are 24 to 64 random bytes, base64 after the `whsec_` prefix. */
const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

function decodedLength(secret: string): number {
  return Buffer.from(secret.slice('whsec_'.length), 'base64').length;
}

/**
 * One or more shop signing secrets, space-separated: during a key rotation the
 * shop may sign with the old or the new one, and either must pass.
 */
export const shopWebhookSecrets = z
  .string({ message: 'required: the whsec_… signing secret(s) of the shop, space-separated during a rotation' })
  .transform((value) => value.split(/\s+/).filter(Boolean))
  .pipe(
    z
      .array(
        z
          .string()
          .regex(WEBHOOK_SECRET, 'each secret must look like whsec_<base64>')
          .refine((secret) => decodedLength(secret) >= 24 && decodedLength(secret) <= 64, 'each secret must decode to 24–64 bytes'),
      )
      .min(1, 'at least one whsec_… secret'),
  );

function isPublicKey(key: string): boolean {
  try {
    return alipayPublicKey(key).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}

/** Every setting of shop-gateway, validated at start-up. */
export const configSchema = serviceEnvSchema({ port: 3000, schema: 'gateway' })
  .extend({
    SHOP_WEBHOOK_SECRET: shopWebhookSecrets,
    /** Enables the simulator's payment provider (demo, end-to-end tests); unset, its callbacks get 404. */
    PAYMENT_PROVIDER_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    /** Longer than any sender retries (Standard Webhooks senders: about 3 days; Alipay: about 25 h). */
    RECEIPT_RETENTION_DAYS: z.coerce.number({ message: 'expected a number of days' }).int().min(3, 'at least 3 days: senders retry for up to 3 days').max(365).default(7),
    /** Both set enable Alipay's asynchronous notifications: our application's id and Alipay's RSA public key. */
    ALIPAY_APP_ID: z.string().regex(/^[0-9]{10,32}$/, 'expected the numeric Alipay application id').optional(),
    ALIPAY_PUBLIC_KEY: z.string().refine(isPublicKey, "expected Alipay's RSA public key (base64 or PEM)").optional(),
  })
  .superRefine((config, context) => {
    if (Boolean(config.ALIPAY_APP_ID) !== Boolean(config.ALIPAY_PUBLIC_KEY)) {
      const missing = config.ALIPAY_APP_ID ? 'ALIPAY_PUBLIC_KEY' : 'ALIPAY_APP_ID';
      context.addIssue({ code: 'custom', path: [missing], message: 'required as well: ALIPAY_APP_ID and ALIPAY_PUBLIC_KEY go together' });
    }
  });

export type GatewayConfig = z.infer<typeof configSchema>;
