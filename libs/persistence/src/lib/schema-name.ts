/**
 * A schema name goes into `-c search_path=...` and into DDL, so it is held to a
 * plain lower-case Postgres identifier: no quoting needed anywhere, no injection.
 */
export const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string, what = 'schema'): string {
  if (typeof schema !== 'string' || !SCHEMA_NAME_PATTERN.test(schema)) {
    throw new Error(
      `Invalid ${what} name ${JSON.stringify(schema)}: expected a lower-case Postgres identifier ` +
        `matching ${SCHEMA_NAME_PATTERN} (letters a-z, digits, underscore; at most 63 characters; not starting with a digit)`,
    );
  }
  return schema;
}
