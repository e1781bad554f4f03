/** Anything that runs SQL and returns rows: a pg Client or Pool, or a TypeORM DataSource wrapped in an adapter. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * The forms a contact could hide in a table: as given, lower-cased, and its
 * UTF-8 bytes in base64, base64url and hex. A match in any of them is a
 * contact kept in clear or in trivially reversible form.
 */
export function contactForms(contact: string): string[] {
  const bytes = Buffer.from(contact, 'utf8');
  const forms = [contact, contact.toLowerCase(), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), bytes.toString('hex')];
  return [...new Set(forms)].filter((form) => form.length >= 4);
}

export interface ContactTrace {
  table: string;
  contact: string;
  form: string;
}

/**
 * Reads every row of every table of one schema as JSON text and reports each
 * contact found in any of its forms. For tests and audits, not for a service:
 * it reads whole tables.
 */
export async function findContactTraces(db: SqlRunner, schema: string, contacts: readonly string[]): Promise<ContactTrace[]> {
  const tables = (await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1`, [schema]))
    .rows as { table_name: string }[];
  const traces: ContactTrace[] = [];
  for (const { table_name: table } of tables) {
    const rows = (await db.query(`SELECT row_to_json(t)::text AS row FROM "${schema}"."${table}" t`)).rows as { row: string }[];
    for (const { row } of rows) {
      const text = row.toLowerCase();
      for (const contact of contacts) {
        for (const form of contactForms(contact)) {
          if (text.includes(form.toLowerCase()) && !traces.some((t) => t.table === table && t.contact === contact && t.form === form)) {
            traces.push({ table, contact, form });
          }
        }
      }
    }
  }
  return traces;
}
