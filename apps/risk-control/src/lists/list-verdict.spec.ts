import { Identity } from './identifiers';
import { ListEntry, ListEntryInput } from './list-entry';
import { evaluateLists } from './list-verdict';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const buyer: Identity = {
  buyerId: 'buyer-1',
  email: 'Alice.Buyer@Example.com',
  phone: '+86 138-0013-8000',
  ip: '203.0.113.7',
  deviceId: 'device-1',
  paymentAccount: 'alipay:2088000000000001',
};

function entry(input: Partial<ListEntryInput> & Pick<ListEntryInput, 'id' | 'kind' | 'field' | 'value'>): ListEntry {
  return ListEntryInput.parse({ setBy: 'ops@merchant', reason: 'test entry', ...input });
}

const ids = (entries: readonly ListEntry[]) => entries.map((e) => e.id);

describe('evaluateLists', () => {
  it('is clear when nothing matches', () => {
    const verdict = evaluateLists(
      buyer,
      [entry({ id: 'b1', kind: 'block', field: 'buyerId', value: 'someone-else' })],
      NOW,
    );
    expect(verdict).toEqual({ outcome: 'clear', decisive: [], overridden: [] });
  });

  it('blocks on a block entry that is not overridable, even when the buyer is also allowed and watched', () => {
    const verdict = evaluateLists(
      buyer,
      [
        entry({ id: 'allow', kind: 'allow', field: 'buyerId', value: 'buyer-1' }),
        entry({ id: 'block', kind: 'block', field: 'email', value: 'alice.buyer@example.com' }),
        entry({ id: 'watch', kind: 'watch', field: 'ip', value: '203.0.113.7' }),
      ],
      NOW,
    );
    expect(verdict.outcome).toBe('blocked');
    expect(ids(verdict.decisive)).toEqual(['block']);
    expect(ids(verdict.overridden)).toEqual(['allow', 'watch']);
  });

  it('lets an allow entry lift an overridable block', () => {
    const verdict = evaluateLists(
      buyer,
      [
        entry({ id: 'block', kind: 'block', field: 'deviceId', value: 'device-1', overridable: true }),
        entry({ id: 'allow', kind: 'allow', field: 'buyerId', value: 'buyer-1' }),
      ],
      NOW,
    );
    expect(verdict.outcome).toBe('allowed');
    expect(ids(verdict.decisive)).toEqual(['allow']);
    expect(ids(verdict.overridden)).toEqual(['block']);
  });

  it('blocks on an overridable block when no allow entry matches', () => {
    const verdict = evaluateLists(
      buyer,
      [
        entry({ id: 'block', kind: 'block', field: 'deviceId', value: 'device-1', overridable: true }),
        entry({ id: 'watch', kind: 'watch', field: 'buyerId', value: 'buyer-1' }),
      ],
      NOW,
    );
    expect(verdict.outcome).toBe('blocked');
    expect(ids(verdict.decisive)).toEqual(['block']);
    expect(ids(verdict.overridden)).toEqual(['watch']);
  });

  it('lets an allow entry override a watch entry', () => {
    const verdict = evaluateLists(
      buyer,
      [
        entry({ id: 'watch', kind: 'watch', field: 'phone', value: '8613800138000' }),
        entry({ id: 'allow', kind: 'allow', field: 'paymentAccount', value: 'alipay:2088000000000001' }),
      ],
      NOW,
    );
    expect(verdict.outcome).toBe('allowed');
    expect(ids(verdict.overridden)).toEqual(['watch']);
  });

  it('watches on a watch entry alone', () => {
    const verdict = evaluateLists(
      buyer,
      [entry({ id: 'watch', kind: 'watch', field: 'ip', value: '203.0.113.7' })],
      NOW,
    );
    expect(verdict).toMatchObject({ outcome: 'watched', overridden: [] });
    expect(ids(verdict.decisive)).toEqual(['watch']);
  });

  it('is decided by every identifier: buyer id, email, phone, IP, device and payment account', () => {
    const values = {
      buyerId: 'buyer-1',
      email: 'alice.buyer@example.com',
      phone: '8613800138000',
      ip: '203.0.113.7',
      deviceId: 'device-1',
      paymentAccount: 'alipay:2088000000000001',
    } as const;
    for (const [field, value] of Object.entries(values)) {
      const verdict = evaluateLists(
        buyer,
        [entry({ id: field, kind: 'block', field: field as keyof typeof values, value })],
        NOW,
      );
      expect(verdict.outcome).toBe('blocked');
    }
  });

  it('ignores an identifier the order does not carry', () => {
    const verdict = evaluateLists(
      { buyerId: 'buyer-1' },
      [entry({ id: 'b', kind: 'block', field: 'email', value: 'alice.buyer@example.com' })],
      NOW,
    );
    expect(verdict.outcome).toBe('clear');
  });

  it('compares emails case-insensitively and phones by their digits', () => {
    const lists = [
      entry({ id: 'email', kind: 'watch', field: 'email', value: '  ALICE.buyer@EXAMPLE.COM ' }),
      entry({ id: 'phone', kind: 'watch', field: 'phone', value: '(86) 13800138000' }),
    ];
    expect(ids(evaluateLists(buyer, lists, NOW).decisive)).toEqual(['email', 'phone']);
    expect(
      evaluateLists({ buyerId: 'x', email: 'alice.buyer@example.org', phone: '13800138000' }, lists, NOW).outcome,
    ).toBe('clear');
  });

  describe('expiry', () => {
    const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

    it('no longer applies an entry expiring exactly now', () => {
      const lists = [entry({ id: 'block', kind: 'block', field: 'buyerId', value: 'buyer-1', expiresAt: at(0) })];
      expect(evaluateLists(buyer, lists, NOW).outcome).toBe('clear');
    });

    it('applies an entry until the millisecond before it expires', () => {
      const lists = [entry({ id: 'block', kind: 'block', field: 'buyerId', value: 'buyer-1', expiresAt: at(1) })];
      expect(evaluateLists(buyer, lists, NOW).outcome).toBe('blocked');
    });

    it('lets an expired allow entry no longer lift an overridable block', () => {
      const lists = [
        entry({ id: 'allow', kind: 'allow', field: 'buyerId', value: 'buyer-1', expiresAt: at(0) }),
        entry({ id: 'block', kind: 'block', field: 'email', value: 'alice.buyer@example.com', overridable: true }),
      ];
      expect(evaluateLists(buyer, lists, NOW).outcome).toBe('blocked');
    });

    it('lets an allow entry win once a non-overridable block has expired', () => {
      const lists = [
        entry({ id: 'allow', kind: 'allow', field: 'buyerId', value: 'buyer-1' }),
        entry({ id: 'block', kind: 'block', field: 'email', value: 'alice.buyer@example.com', expiresAt: at(-1) }),
      ];
      expect(evaluateLists(buyer, lists, NOW).outcome).toBe('allowed');
    });

    it('keeps an entry without expiry for ever', () => {
      const lists = [entry({ id: 'watch', kind: 'watch', field: 'buyerId', value: 'buyer-1', expiresAt: null })];
      expect(evaluateLists(buyer, lists, new Date('2099-01-01T00:00:00Z')).outcome).toBe('watched');
    });
  });

  it('lists several matches in identifier order, then by id', () => {
    const verdict = evaluateLists(
      buyer,
      [
        entry({ id: 'w3', kind: 'watch', field: 'deviceId', value: 'device-1' }),
        entry({ id: 'w2', kind: 'watch', field: 'buyerId', value: 'buyer-1' }),
        entry({ id: 'w1', kind: 'watch', field: 'deviceId', value: 'device-1' }),
      ],
      NOW,
    );
    expect(ids(verdict.decisive)).toEqual(['w2', 'w1', 'w3']);
  });
});

describe('ListEntryInput', () => {
  it('stores the normalised value and the expiry as a date', () => {
    const parsed = ListEntryInput.parse({
      id: 'e',
      kind: 'block',
      field: 'email',
      value: 'Bob@Example.COM',
      setBy: 'ops',
      reason: 'chargeback',
      expiresAt: '2026-12-01T00:00:00+08:00',
    });
    expect(parsed).toEqual({
      id: 'e',
      kind: 'block',
      field: 'email',
      value: 'bob@example.com',
      overridable: false,
      expiresAt: new Date('2026-11-30T16:00:00.000Z'),
      setBy: 'ops',
      reason: 'chargeback',
    });
  });

  it('refuses a phone without digits, with a reason', () => {
    const result = ListEntryInput.safeParse({
      id: 'e',
      kind: 'block',
      field: 'phone',
      value: 'n/a',
      setBy: 'ops',
      reason: 'x',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['value'], message: 'phone "n/a" has nothing to compare' });
  });

  it('refuses an overridable allow or watch entry', () => {
    const result = ListEntryInput.safeParse({
      id: 'e',
      kind: 'watch',
      field: 'ip',
      value: '1.2.3.4',
      overridable: true,
      setBy: 'ops',
      reason: 'x',
    });
    expect(result.error?.issues[0]).toMatchObject({
      path: ['overridable'],
      message: 'only block entries can be overridable',
    });
  });

  it('requires who set the entry and why', () => {
    const result = ListEntryInput.safeParse({ id: 'e', kind: 'block', field: 'ip', value: '1.2.3.4' });
    expect(result.error?.issues.map((issue) => issue.path[0])).toEqual(['setBy', 'reason']);
  });
});
