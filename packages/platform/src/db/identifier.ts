/**
 * Schema and table names are spliced into SQL text (identifiers cannot be bind parameters), so
 * they are checked against a strict pattern first instead of being escaped: a schema name that
 * needs quoting is a configuration mistake we want to hear about, not accommodate.
 */
const plainIdentifier = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertIdentifier(name: string, what = 'identifier'): string {
  if (!plainIdentifier.test(name)) {
    throw new TypeError(`Invalid ${what} "${name}": use lower-case letters, digits and _ (max 63)`);
  }
  return name;
}

/** `"schema"."table"`, after checking both parts. */
export function qualified(schema: string, table: string): string {
  return `"${assertIdentifier(schema, 'schema name')}"."${assertIdentifier(table, 'table name')}"`;
}
