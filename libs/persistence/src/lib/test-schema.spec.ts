import { Client } from 'pg';
import { createTestSchema } from './test-schema';

function adminUrl(): string {
  const host = process.env['CARDLINK_PG_HOST'] ?? '127.0.0.1';
  const port = process.env['CARDLINK_PG_PORT'] ?? '5432';
  const database = process.env['CARDLINK_TEST_DB'] ?? 'cardlink_test';
  return `postgres://${process.env['CARDLINK_PG_ADMIN_USER'] ?? 'postgres'}@${host}:${port}/${database}`;
}

async function asAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('createTestSchema', () => {
  it('creates a fresh schema owned by the role, closed to PUBLIC, and drops it again', async () => {
    const testSchema = await createTestSchema({ role: 'cardlink_delivery', prefix: 'persistence_ts' });
    try {
      expect(testSchema.schema).toMatch(/^persistence_ts_[0-9a-f]{12}$/);
      const url = new URL(testSchema.url);
      expect(decodeURIComponent(url.username)).toBe('cardlink_delivery');
      expect(decodeURIComponent(url.password)).toBe('cardlink_delivery_dev');
      expect(url.pathname).toBe(`/${process.env['CARDLINK_TEST_DB'] ?? 'cardlink_test'}`);

      const schemaRow = await asAdmin((client) =>
        client.query<{ owner: string; public_grants: string }>(
          `SELECT pg_get_userbyid(n.nspowner) AS owner,
                  (SELECT count(*) FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a WHERE a.grantee = 0) AS public_grants
             FROM pg_namespace n WHERE n.nspname = $1`,
          [testSchema.schema],
        ),
      );
      expect(schemaRow.rows).toEqual([{ owner: 'cardlink_delivery', public_grants: '0' }]);

      const role = new Client({ connectionString: testSchema.url });
      await role.connect();
      try {
        await role.query(`CREATE TABLE "${testSchema.schema}".t (id integer)`);
        await role.query(`INSERT INTO "${testSchema.schema}".t VALUES (1)`);
      } finally {
        await role.end();
      }
    } finally {
      await testSchema.drop();
    }
    await testSchema.drop();
    const left = await asAdmin((client) => client.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [testSchema.schema]));
    expect(left.rowCount).toBe(0);
  });

  it('gives every call its own schema', async () => {
    const schemas = await Promise.all([1, 2, 3].map(() => createTestSchema({ role: 'cardlink_catalog' })));
    try {
      expect(new Set(schemas.map((s) => s.schema)).size).toBe(3);
      for (const s of schemas) expect(s.schema).toMatch(/^test_[0-9a-f]{12}$/);
    } finally {
      await Promise.all(schemas.map((s) => s.drop()));
    }
  });

  it('uses the database and password it is given', async () => {
    const testSchema = await createTestSchema({ role: 'cardlink_catalog', database: 'cardlink_test', password: 'other secret' });
    try {
      const url = new URL(testSchema.url);
      expect(url.pathname).toBe('/cardlink_test');
      expect(decodeURIComponent(url.password)).toBe('other secret');
    } finally {
      await testSchema.drop();
    }
  });

  it.each([
    [{ role: 'cardlink_orders; drop schema orders' }, /Invalid role name/],
    [{ role: 'cardlink_orders', prefix: 'Bad-Prefix' }, /Invalid schema prefix name/],
  ])('rejects unsafe names before touching the database: %j', async (opts, message) => {
    await expect(createTestSchema(opts)).rejects.toThrow(message);
  });
});
