import { z } from 'zod';
import { decodeBase64Strict, KeyringError, parseKeyring } from '@cardlink/card-crypto';
import { MATCH_KEY_MIN_BYTES, PersonalDataVault } from './personal-data-vault';

function readable(parse: (text: string) => unknown) {
  return (text: string, ctx: z.RefinementCtx) => {
    try {
      parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof KeyringError || error instanceof RangeError ? error.message : 'unreadable' });
    }
  };
}

function matchKeyBytes(text: string): Buffer {
  const key = decodeBase64Strict(text, 'PERSONAL_DATA_MATCH_KEY');
  if (key.length < MATCH_KEY_MIN_BYTES) throw new RangeError(`has ${key.length} bytes; at least ${MATCH_KEY_MIN_BYTES} are needed`);
  return key;
}

/**
 * The settings every service that keeps buyer contacts adds to its own schema.
 * The two keys come together or not at all (checked by personalDataVaultFrom);
 * the match key must be the same in every service so that an erasure request
 * finds the buyer everywhere.
 */
export const personalDataEnvSchema = z.object({
  /** `id:<base64 of 32 bytes>[,…]`, the first key seals new values; the others still open older ones. */
  PERSONAL_DATA_KEYS: z.string().superRefine(readable((text) => parseKeyring(text))).optional(),
  /** base64 of at least 32 random bytes: the HMAC key of match keys, shared by all services. */
  PERSONAL_DATA_MATCH_KEY: z.string().superRefine(readable(matchKeyBytes)).optional(),
  /** Contacts older than this are erased from orders, deliveries and risk data; financial records stay. */
  PERSONAL_DATA_RETENTION_DAYS: z.coerce
    .number({ message: 'expected a whole number of days' })
    .int('expected a whole number of days')
    .min(1, 'at least 1 day')
    .max(3650, 'at most 3650 days')
    .default(365),
  /** How often each service looks for contacts past their retention. */
  PERSONAL_DATA_RETENTION_INTERVAL_MS: z.coerce
    .number({ message: 'expected milliseconds' })
    .int('expected whole milliseconds')
    .min(10, 'at least 10 ms')
    .max(86_400_000, 'at most one day')
    .default(3_600_000),
});
export type PersonalDataConfig = z.infer<typeof personalDataEnvSchema>;

/**
 * For the service's schema (`.superRefine(personalDataKeysTogether)`): the two
 * keys come together or not at all, and a production process (NODE_ENV=
 * production, as the image and the local stack run services) must have them:
 * running without is for tests and development only.
 */
export function personalDataKeysTogether(
  config: Pick<PersonalDataConfig, 'PERSONAL_DATA_KEYS' | 'PERSONAL_DATA_MATCH_KEY'>,
  ctx: z.RefinementCtx,
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (config.PERSONAL_DATA_KEYS === undefined && config.PERSONAL_DATA_MATCH_KEY === undefined && env['NODE_ENV'] === 'production') {
    ctx.addIssue({
      code: 'custom',
      path: ['PERSONAL_DATA_KEYS'],
      message: 'required in production (NODE_ENV=production), with PERSONAL_DATA_MATCH_KEY: buyer contacts are never stored unprotected there (docs/privacy.md)',
    });
    return;
  }
  if (config.PERSONAL_DATA_KEYS !== undefined && config.PERSONAL_DATA_MATCH_KEY === undefined) {
    ctx.addIssue({ code: 'custom', path: ['PERSONAL_DATA_MATCH_KEY'], message: 'required when PERSONAL_DATA_KEYS is set' });
  }
  if (config.PERSONAL_DATA_MATCH_KEY !== undefined && config.PERSONAL_DATA_KEYS === undefined) {
    ctx.addIssue({ code: 'custom', path: ['PERSONAL_DATA_KEYS'], message: 'required when PERSONAL_DATA_MATCH_KEY is set' });
  }
}

/** The vault the settings describe; throws, naming the variable, when only one of the two keys is set. */
export function personalDataVaultFrom(config: Pick<PersonalDataConfig, 'PERSONAL_DATA_KEYS' | 'PERSONAL_DATA_MATCH_KEY'>): PersonalDataVault {
  const { PERSONAL_DATA_KEYS: keys, PERSONAL_DATA_MATCH_KEY: matchKey } = config;
  if (keys === undefined && matchKey === undefined) return PersonalDataVault.unprotected();
  if (keys === undefined) throw new Error('PERSONAL_DATA_KEYS: required when PERSONAL_DATA_MATCH_KEY is set');
  if (matchKey === undefined) throw new Error('PERSONAL_DATA_MATCH_KEY: required when PERSONAL_DATA_KEYS is set');
  return PersonalDataVault.protecting(parseKeyring(keys), matchKeyBytes(matchKey));
}
