import { authenticate, CredentialFormatError, hashToken, issueCredential, missingScopes, parseCredentials } from './credentials';

describe('credentials', () => {
  it('parses entries with several scopes and resolves a bearer token to its principal', () => {
    const alice = issueCredential('alice', ['orders:read', 'orders:write']);
    const bob = issueCredential('bob', ['inventory:read']);
    const registry = parseCredentials(`  ${alice.entry}\n ${bob.entry} `);
    const result = authenticate(registry, `Bearer ${alice.token}`);
    expect(result).toEqual({ ok: true, principal: { name: 'alice', scopes: new Set(['orders:read', 'orders:write']) } });
    expect(authenticate(registry, `bearer ${bob.token}`)).toMatchObject({ ok: true, principal: { name: 'bob' } });
  });

  it('tells missing, malformed and unknown tokens apart', () => {
    const registry = parseCredentials(issueCredential('alice', ['orders:read']).entry);
    expect(authenticate(registry, undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(authenticate(registry, 'Basic abc')).toEqual({ ok: false, reason: 'malformed' });
    expect(authenticate(registry, 'Bearer clk_not-issued')).toEqual({ ok: false, reason: 'unknown' });
  });

  it('an empty setting admits nobody', () => {
    expect(parseCredentials('').size).toBe(0);
  });

  it('names every problem of a bad setting, and refuses a raw token in place of its hash', () => {
    const token = 'clk_plain';
    let error: unknown;
    try {
      parseCredentials(`alice:orders:read:${token} b!d:orders:read:${hashToken('x')} carol::${hashToken('y')} dave:Orders:${hashToken('z')} eve`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CredentialFormatError);
    const problems = (error as CredentialFormatError).problems;
    expect(problems).toEqual([
      'entry 1 (alice) should end in the 64-hex-digit SHA-256 of the token, not the token itself',
      'entry 2 has an invalid name "b!d" (letters, digits, . _ @ - only)',
      'entry 3 should be <name>:<scope>[,<scope>...]:<sha256-hex>',
      'entry 4 should be <name>:<scope>[,<scope>...]:<sha256-hex>',
      'entry 5 should be <name>:<scope>[,<scope>...]:<sha256-hex>',
    ]);
  });

  it('refuses a scope that is not area:action and two entries with one token', () => {
    const hash = hashToken('t');
    expect(() => parseCredentials(`a:orders,x:y:${hash}`)).toThrow('entry 1 (a) has invalid scopes orders');
    expect(() => parseCredentials(`a:x:y:${hash} b:x:y:${hash}`)).toThrow("entry 2 (b) repeats another entry's token");
  });

  it('lists the scopes a principal lacks', () => {
    const principal = { name: 'alice', scopes: new Set(['orders:read']) };
    expect(missingScopes(principal, ['orders:read'])).toEqual([]);
    expect(missingScopes(principal, ['orders:read', 'orders:write'])).toEqual(['orders:write']);
  });
});
