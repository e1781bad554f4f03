import { randomBytes } from 'node:crypto';
import { parseKeyring } from '@cardlink/card-crypto';
import { personalDataEnvSchema, personalDataKeysTogether, personalDataVaultFrom } from './config';
import { isSealed, PersonalDataError, PersonalDataVault } from './personal-data-vault';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const matchKey = randomBytes(32);

function vault(keys = `k1:${k1}`, hmacKey = matchKey) {
  return PersonalDataVault.protecting(parseKeyring(keys), hmacKey);
}

describe('PersonalDataVault', () => {
  it('seals a contact so that neither it nor its base64 or hex shows, and opens it again', () => {
    const sealed = vault().seal('a.buyer@example.com', 'orders.buyer');
    expect(isSealed(sealed)).toBe(true);
    for (const form of ['a.buyer@example.com', Buffer.from('a.buyer@example.com').toString('base64'), Buffer.from('a.buyer@example.com').toString('hex')]) {
      expect(sealed).not.toContain(form);
    }
    expect(vault().open(sealed, 'orders.buyer')).toBe('a.buyer@example.com');
  });

  it('refuses a value sealed for another column, under another key, or altered', () => {
    const sealed = vault().seal('+8613812345678', 'delivery.phone');
    expect(() => vault().open(sealed, 'delivery.email')).toThrow(PersonalDataError);
    expect(() => vault(`k1:${k2}`).open(sealed, 'delivery.phone')).toThrow(PersonalDataError);
    const altered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => vault().open(altered, 'delivery.phone')).toThrow(PersonalDataError);
  });

  it('opens values sealed under an older key after a rotation, and values stored before protection as they are', () => {
    const old = vault().seal('x@example.com', 'p');
    const rotated = vault(`k2:${k2},k1:${k1}`);
    expect(rotated.open(old, 'p')).toBe('x@example.com');
    expect(rotated.seal('x@example.com', 'p').startsWith('pd1.k2.')).toBe(true);
    expect(rotated.open('legacy@example.com', 'p')).toBe('legacy@example.com');
  });

  it('gives one match key per normalised contact, different per kind and per key, without the contact in it', () => {
    const v = vault();
    expect(v.matchKey('email', ' A.Buyer@Example.com ')).toBe(v.matchKey('email', 'a.buyer@example.com'));
    expect(v.matchKey('phone', '+86 138-1234-5678')).toBe(v.matchKey('phone', '8613812345678'));
    expect(v.matchKey('buyerId', 'b1')).not.toBe(v.matchKey('deviceId', 'b1'));
    expect(v.matchKey('email', 'a@example.com')).not.toBe(vault(`k1:${k1}`, randomBytes(32)).matchKey('email', 'a@example.com'));
    expect(v.matchKey('email', 'a@example.com')).not.toContain('example');
    expect(v.matchKey('phone', '---')).toBeUndefined();
  });

  it('passes values through when unprotected', () => {
    const v = PersonalDataVault.unprotected();
    expect(v.isProtected).toBe(false);
    expect(v.seal('a@example.com', 'p')).toBe('a@example.com');
    expect(v.matchKey('email', 'A@Example.com')).toBe('a@example.com');
  });
});

describe('personal data settings', () => {
  it('accepts both keys or none, and names the missing one', () => {
    const both = personalDataEnvSchema.parse({ PERSONAL_DATA_KEYS: `k1:${k1}`, PERSONAL_DATA_MATCH_KEY: matchKey.toString('base64') });
    expect(personalDataVaultFrom(both).isProtected).toBe(true);
    expect(personalDataVaultFrom(personalDataEnvSchema.parse({})).isProtected).toBe(false);
    expect(() => personalDataVaultFrom({ PERSONAL_DATA_KEYS: `k1:${k1}` })).toThrow(/PERSONAL_DATA_MATCH_KEY/);
    expect(() => personalDataVaultFrom({ PERSONAL_DATA_MATCH_KEY: matchKey.toString('base64') })).toThrow(/PERSONAL_DATA_KEYS/);
  });

  it('names the missing key when a service schema checks them together', () => {
    const schema = personalDataEnvSchema.superRefine(personalDataKeysTogether);
    const result = schema.safeParse({ PERSONAL_DATA_KEYS: `k1:${k1}` });
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['PERSONAL_DATA_MATCH_KEY: required when PERSONAL_DATA_KEYS is set']);
    expect(schema.safeParse({}).success).toBe(true);
  });

  it('requires the keys in production, naming them', () => {
    const production = personalDataEnvSchema.superRefine((config, ctx) => personalDataKeysTogether(config, ctx, { NODE_ENV: 'production' }));
    const result = production.safeParse({});
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'PERSONAL_DATA_KEYS: required in production (NODE_ENV=production), with PERSONAL_DATA_MATCH_KEY: buyer contacts are never stored unprotected there (docs/privacy.md)',
    ]);
    expect(production.safeParse({ PERSONAL_DATA_KEYS: `k1:${k1}`, PERSONAL_DATA_MATCH_KEY: matchKey.toString('base64') }).success).toBe(true);
  });

  it('rejects unreadable keys and retention outside its range with a reason', () => {
    const result = personalDataEnvSchema.safeParse({
      PERSONAL_DATA_KEYS: 'k1:short',
      PERSONAL_DATA_MATCH_KEY: randomBytes(8).toString('base64'),
      PERSONAL_DATA_RETENTION_DAYS: '0',
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PERSONAL_DATA_KEYS: key k1 has \d+ bytes/),
        expect.stringMatching(/^PERSONAL_DATA_MATCH_KEY: has 8 bytes/),
        'PERSONAL_DATA_RETENTION_DAYS: at least 1 day',
      ]),
    );
  });
});
