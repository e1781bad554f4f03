import { contactForms, findContactTraces, type SqlRunner } from './contact-scan';

function fakeDb(tables: Record<string, unknown[]>): SqlRunner {
  return {
    query: async (sql: string) => {
      if (sql.includes('information_schema')) return { rows: Object.keys(tables).map((table_name) => ({ table_name })) };
      const table = /"[^"]+"\."([^"]+)"/.exec(sql)?.[1] ?? '';
      return { rows: (tables[table] ?? []).map((row) => ({ row: JSON.stringify(row) })) };
    },
  };
}

describe('findContactTraces', () => {
  const email = 'A.Buyer@example.com';

  it('finds a contact in clear (any case), in base64, base64url and hex', async () => {
    const b64 = Buffer.from(email).toString('base64');
    const hex = Buffer.from(email).toString('hex');
    const traces = await findContactTraces(
      fakeDb({ orders: [{ buyer: { email: email.toLowerCase() } }], outbox: [{ payload: `x${b64}y` }], notes: [{ body: hex.toUpperCase() }], clean: [{ id: 1 }] }),
      's',
      [email],
    );
    expect([...new Set(traces.map((t) => t.table))].sort()).toEqual(['notes', 'orders', 'outbox']);
  });

  it('finds nothing in sealed or keyed forms', async () => {
    expect(await findContactTraces(fakeDb({ orders: [{ buyer: { sealed: 'pd1.k1.abc.def', keys: { email: 'hm1.xyz' } } }] }), 's', [email])).toEqual([]);
  });

  it('lists every reversible form of a contact once', () => {
    expect(contactForms('13812345678')).toEqual(['13812345678', 'MTM4MTIzNDU2Nzg', '3133383132333435363738']);
  });
});
