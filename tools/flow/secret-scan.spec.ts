import { randomBytes } from 'node:crypto';
import { SecretMatcher } from './secret-scan';

describe('SecretMatcher', () => {
  it('finds a secret as text or as the hex of a bytea column, each once, and nothing else', () => {
    const matcher = new SecretMatcher(['STEAM-AAAA-1111', 'pw-42', 'never-seen']);
    const hex = Buffer.from('pw-42', 'utf8').toString('hex');
    expect(matcher.find(`{"code":"STEAM-AAAA-1111"} again STEAM-AAAA-1111 \\x00ff${hex}00`).sort()).toEqual(['STEAM-AAAA-1111', 'pw-42']);
    expect(matcher.find('STEAM-AAAA-111')).toEqual([]);
    expect(matcher.find('')).toEqual([]);
    expect(matcher.find('pw-42')).toEqual(['pw-42']);
  });

  it('agrees with a plain search for every secret over generated texts', () => {
    const secrets = Array.from({ length: 300 }, (_, i) => randomBytes(4 + (i % 9)).toString('base64url'));
    const matcher = new SecretMatcher(secrets);
    for (let round = 0; round < 200; round += 1) {
      const planted = secrets.filter(() => Math.random() < 0.02);
      const parts = [randomBytes(200).toString('base64'), ...planted.map((s) => (Math.random() < 0.5 ? s : Buffer.from(s).toString('hex'))), randomBytes(50).toString('hex')];
      const text = parts.sort(() => Math.random() - 0.5).join(Math.random() < 0.5 ? '' : ' ');
      const expected = secrets.filter((s) => text.includes(s) || text.includes(Buffer.from(s).toString('hex')));
      expect(matcher.find(text).sort()).toEqual(expected.sort());
      expect(expected.length).toBeGreaterThanOrEqual(planted.length);
    }
  });
});
