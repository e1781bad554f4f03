/**
 * Acceptance: one Postgres role per service, and a role can touch only its own
 * schema. Checked against the schemas and roles the local stack provisions
 * (`npm run stack:up`) in the real databases, because production relies on
 * exactly that provisioning, not on throwaway schemas.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { QueryFailedError } from 'typeorm';
import { createServiceDataSource } from './data-source';

const SERVICES = [
  { schema: 'gateway', role: 'cardlink_gateway' },
  { schema: 'orders', role: 'cardlink_orders' },
  { schema: 'risk', role: 'cardlink_risk' },
  { schema: 'inventory', role: 'cardlink_inventory' },
  { schema: 'delivery', role: 'cardlink_delivery' },
  { schema: 'catalog', role: 'cardlink_catalog' },
] as const;

const HOST = process.env['CARDLINK_PG_HOST'] ?? '127.0.0.1';
const PORT = process.env['CARDLINK_PG_PORT'] ?? '5432';
const ADMIN = process.env['CARDLINK_PG_ADMIN_USER'] ?? 'postgres';
const TEST_DB = process.env['CARDLINK_TEST_DB'] ?? 'cardlink_test';
const DEV_DB = process.env['CARDLINK_DB'] ?? 'cardlink';

const INSUFFICIENT_PRIVILEGE = '42501';

function roleUrl(role: string, database = TEST_DB): string {
  return `postgres://${role}:${role}_dev@${HOST}:${PORT}/${database}`;
}

/** A table name no other run uses, so parallel runs never collide in the shared schemas. */
const TABLE = `isolation_probe_${randomBytes(5).toString('hex')}`;

describe('role isolation in the provisioned schemas', () => {
  const clients = new Map<string, Client>();

  function as(role: string): Client {
    const client = clients.get(role);
    if (!client) throw new Error(`no connection for ${role}`);
    return client;
  }

  beforeAll(async () => {
    for (const { role } of SERVICES) {
      const client = new Client({ connectionString: roleUrl(role), connectionTimeoutMillis: 5_000 });
      await client.connect();
      clients.set(role, client);
    }
    // Each service role creates a probe table with one row in its own schema: owners have full rights there.
    for (const { schema, role } of SERVICES) {
      await as(role).query(`CREATE TABLE ${schema}.${TABLE} (id integer PRIMARY KEY, secret text NOT NULL)`);
      await as(role).query(`INSERT INTO ${schema}.${TABLE} VALUES (1, 'owned by ${role}')`);
    }
  });

  afterAll(async () => {
    for (const { schema, role } of SERVICES) {
      await clients.get(role)?.query(`DROP TABLE IF EXISTS ${schema}.${TABLE}`);
    }
    for (const client of clients.values()) await client.end();
  });

  describe('cardlink_orders against the inventory schema (the acceptance case)', () => {
    it('cardlink_inventory reads its own row', async () => {
      const { rows } = await as('cardlink_inventory').query(`SELECT * FROM inventory.${TABLE}`);
      expect(rows).toEqual([{ id: 1, secret: 'owned by cardlink_inventory' }]);
    });

    it('cardlink_orders cannot select from inventory: permission denied (42501)', async () => {
      await expect(as('cardlink_orders').query(`SELECT * FROM inventory.${TABLE}`)).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
        message: 'permission denied for schema inventory',
      });
    });

    it('cardlink_orders cannot write to or change the inventory table', async () => {
      for (const sql of [
        `INSERT INTO inventory.${TABLE} VALUES (2, 'forged')`,
        `UPDATE inventory.${TABLE} SET secret = 'forged'`,
        `DELETE FROM inventory.${TABLE}`,
        `DROP TABLE inventory.${TABLE}`,
        `ALTER TABLE inventory.${TABLE} ADD COLUMN forged text`,
      ]) {
        await expect(as('cardlink_orders').query(sql)).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
      }
      const { rows } = await as('cardlink_inventory').query(`SELECT * FROM inventory.${TABLE}`);
      expect(rows).toEqual([{ id: 1, secret: 'owned by cardlink_inventory' }]);
    });

    it('cardlink_orders cannot create a table in the inventory schema', async () => {
      await expect(as('cardlink_orders').query(`CREATE TABLE inventory.${TABLE}_intruder (id integer)`)).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
        message: 'permission denied for schema inventory',
      });
    });

    it('cardlink_orders cannot create a table in schema public', async () => {
      await expect(as('cardlink_orders').query(`CREATE TABLE public.${TABLE} (id integer)`)).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
        message: 'permission denied for schema public',
      });
    });

    it('an orders data source from this library gets the same denial, and unqualified names resolve only in orders', async () => {
      const dataSource = createServiceDataSource({ url: roleUrl('cardlink_orders'), schema: 'orders', entities: [], migrations: [], poolSize: 1 });
      await dataSource.initialize();
      try {
        const denied: unknown = await dataSource.query(`SELECT * FROM inventory.${TABLE}`).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(denied).toBeInstanceOf(QueryFailedError);
        expect(denied).toMatchObject({ driverError: { code: INSUFFICIENT_PRIVILEGE } });
        const own: Array<{ secret: string }> = await dataSource.query(`SELECT secret FROM ${TABLE}`);
        expect(own).toEqual([{ secret: 'owned by cardlink_orders' }]);
      } finally {
        await dataSource.destroy();
      }
    });
  });

  describe('every service role against every other schema', () => {
    const pairs = SERVICES.flatMap((intruder) =>
      SERVICES.filter((owner) => owner.role !== intruder.role).map((owner) => [intruder.role, owner.schema] as const),
    );

    it.each(pairs)('%s cannot read or create tables in schema %s', async (intruder, schema) => {
      await expect(as(intruder).query(`SELECT * FROM ${schema}.${TABLE}`)).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
      await expect(as(intruder).query(`CREATE TABLE ${schema}.${TABLE}_intruder (id integer)`)).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
      });
    });

    it.each(SERVICES.map((s) => [s.role, s.schema] as const))('%s reads its own schema %s and cannot create in public', async (role, schema) => {
      const { rows } = await as(role).query(`SELECT secret FROM ${schema}.${TABLE}`);
      expect(rows).toEqual([{ secret: `owned by ${role}` }]);
      await expect(as(role).query(`CREATE TABLE public.${TABLE}_${role} (id integer)`)).rejects.toMatchObject({
        code: INSUFFICIENT_PRIVILEGE,
      });
    });
  });

  describe.each([TEST_DB, DEV_DB])('provisioning of database %s', (database) => {
    let admin: Client;

    beforeAll(async () => {
      admin = new Client({ connectionString: `postgres://${ADMIN}@${HOST}:${PORT}/${database}` });
      await admin.connect();
    });

    afterAll(async () => {
      await admin.end();
    });

    it('each service schema is owned by its role and no other role (nor PUBLIC) has any right on it', async () => {
      const { rows } = await admin.query<{ schema: string; owner: string; grantee: string | null }>(
        `SELECT DISTINCT n.nspname AS schema, pg_get_userbyid(n.nspowner) AS owner,
                CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee
           FROM pg_namespace n
           LEFT JOIN LATERAL aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a ON true
          WHERE n.nspname = ANY($1) ORDER BY 1, 3`,
        [SERVICES.map((s) => s.schema)],
      );
      const expected = SERVICES.map((s) => ({ schema: s.schema, owner: s.role, grantee: s.role })).sort((a, b) =>
        a.schema.localeCompare(b.schema),
      );
      expect(rows).toEqual(expected);
    });

    it('each role has every right in its own schema, none in another service schema or in public, and no special powers', async () => {
      const { rows } = await admin.query<{ role: string; schema: string; usage: boolean; create: boolean }>(
        `SELECT r.rolname AS role, n.nspname AS schema,
                has_schema_privilege(r.oid, n.oid, 'USAGE') AS usage, has_schema_privilege(r.oid, n.oid, 'CREATE') AS create
           FROM pg_roles r CROSS JOIN pg_namespace n
          WHERE r.rolname = ANY($1) AND n.nspname = ANY($2)`,
        [SERVICES.map((s) => s.role), [...SERVICES.map((s) => s.schema), 'public']],
      );
      expect(rows).toHaveLength(SERVICES.length * (SERVICES.length + 1));
      const owned = new Set(SERVICES.map((s) => `${s.role}/${s.schema}`));
      const outsideOwnSchema = rows.filter((row) => !owned.has(`${row.role}/${row.schema}`));
      expect(outsideOwnSchema.filter((row) => row.usage || row.create)).toEqual([]);
      const inOwnSchema = rows.filter((row) => owned.has(`${row.role}/${row.schema}`));
      expect(inOwnSchema.filter((row) => !row.usage || !row.create)).toEqual([]);

      const privileged = await admin.query(
        `SELECT rolname FROM pg_roles WHERE rolname = ANY($1) AND (rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb)`,
        [SERVICES.map((s) => s.role)],
      );
      expect(privileged.rows).toEqual([]);
    });
  });
});
