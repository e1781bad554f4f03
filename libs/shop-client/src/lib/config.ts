import { z } from 'zod';
import type { ShopClientOptions } from './shop-client';
import type { SmsProviderClientOptions } from './sms-provider-client';

/**
 * The shop client's settings; a service adds them to its own schema:
 * `serviceEnvSchema(...).extend(shopClientEnvSchema.shape)`.
 */
export const shopClientEnvSchema = z.object({
  SHOP_API_URL: z.url({ message: 'required: the shop API base URL, e.g. http://127.0.0.1:4100' }),
  SHOP_CLIENT_ID: z.string({ message: 'required: the OAuth2 client id the shop issued to us' }).min(1, 'must not be empty'),
  SHOP_CLIENT_SECRET: z.string({ message: 'required: the OAuth2 client secret the shop issued to us' }).min(1, 'must not be empty'),
  SHOP_API_TIMEOUT_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(100, 'at least 100 ms').max(120_000, 'at most 120000 ms').default(5_000),
  SHOP_API_MAX_ATTEMPTS: z.coerce.number({ message: 'expected a number of attempts' }).int().min(1, 'at least 1').max(20, 'at most 20').default(5),
});
export type ShopClientEnv = z.infer<typeof shopClientEnvSchema>;

export function shopClientOptionsFromEnv(env: ShopClientEnv): ShopClientOptions {
  return {
    baseUrl: env.SHOP_API_URL,
    clientId: env.SHOP_CLIENT_ID,
    clientSecret: env.SHOP_CLIENT_SECRET,
    timeoutMs: env.SHOP_API_TIMEOUT_MS,
    maxAttempts: env.SHOP_API_MAX_ATTEMPTS,
  };
}

/** The SMS provider's settings, for the service that sends SMS. */
export const smsProviderEnvSchema = z.object({
  SMS_API_URL: z.url({ message: 'required: the SMS provider base URL, e.g. http://127.0.0.1:4100' }),
  SMS_API_KEY: z.string({ message: 'required: the SMS provider API key' }).min(1, 'must not be empty'),
});
export type SmsProviderEnv = z.infer<typeof smsProviderEnvSchema>;

export function smsProviderOptionsFromEnv(env: SmsProviderEnv, policy: Pick<SmsProviderClientOptions, 'timeoutMs' | 'maxAttempts'> = {}): SmsProviderClientOptions {
  return { baseUrl: env.SMS_API_URL, apiKey: env.SMS_API_KEY, ...policy };
}
