import { ListEntryInput } from './list-entry';
import { ListIndex } from './list-index';

const entry = (id: string, field: ListEntryInput['field'], value: string) =>
  ListEntryInput.parse({ id, kind: 'watch', field, value, setBy: 'ops', reason: 'test' });

describe('ListIndex', () => {
  const index = new ListIndex([
    entry('email', 'email', 'Alice@Example.com'),
    entry('phone', 'phone', '+86 138 0013 8000'),
    entry('other-email', 'email', 'bob@example.com'),
    entry('ip-as-device', 'deviceId', '203.0.113.7'),
  ]);

  it("finds the entries for the order's identifiers, normalised", () => {
    const found = index.entriesFor({ buyerId: 'b', email: 'ALICE@example.COM', phone: '8613800138000' });
    expect(found.map((e) => e.id)).toEqual(['email', 'phone']);
  });

  it('matches on the field as well as the value', () => {
    expect(index.entriesFor({ buyerId: 'b', ip: '203.0.113.7' })).toEqual([]);
  });

  it('finds nothing for an order without listed identifiers', () => {
    expect(index.entriesFor({ buyerId: 'b' })).toEqual([]);
  });
});
