// Read-only SQL against the stack's database, for assertions a service's API does not expose.
import pg from 'pg';

export async function query<Row extends Record<string, unknown>>(
  sql: string,
  params: unknown[] = [],
  connectionString: string | undefined = process.env.DATABASE_URL,
): Promise<Row[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The event ids a service's consumer recorded in its inbox, of those asked about. */
export async function inboxHas(
  schema: string,
  consumer: string,
  eventIds: readonly string[],
): Promise<string[]> {
  const rows = await query<{ event_id: string }>(
    `select event_id from "${schema}".inbox where consumer = $1 and event_id = any($2::text[])`,
    [consumer, eventIds],
  );
  return rows.map((r) => r.event_id);
}
