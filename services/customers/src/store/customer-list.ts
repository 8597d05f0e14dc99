import type { Customer, CustomerLevel } from '@microshop/contracts';
import type { PageCursor, Pool } from '@microshop/platform';
import { type CustomerRow, columns, toCustomer } from './customer-store.ts';

// The operators' customer list: newest first, keyset-paged on (created_at, id) so a page is the same
// on every repeat while customers keep signing up; one level, or emails by prefix, if asked.

export interface CustomerQuery {
  level?: CustomerLevel | undefined;
  /** The start of the email, any case. */
  emailPrefix?: string | undefined;
  limit: number;
  /** The `next` of the previous page: customers older than it. */
  after?: PageCursor | undefined;
}

export interface CustomerPage {
  customers: Customer[];
  next: PageCursor | null;
}

export async function listCustomers(pool: Pool, query: CustomerQuery): Promise<CustomerPage> {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(sql(params.length));
  };
  if (query.level !== undefined) add((n) => `level = $${n}`, query.level);
  if (query.emailPrefix !== undefined) {
    add((n) => `lower(email) LIKE $${n}`, `${likeEscaped(query.emailPrefix.toLowerCase())}%`);
  }
  if (query.after !== undefined) {
    params.push(query.after.at, query.after.id);
    where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
  }
  const result = await pool.query<CustomerRow>(
    `SELECT ${columns} FROM customers ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY created_at DESC, id DESC LIMIT ${query.limit + 1}`,
    params,
  );
  const rows = result.rows.slice(0, query.limit);
  const last = rows.at(-1);
  const more = result.rows.length > query.limit && last !== undefined;
  return {
    customers: rows.map(toCustomer),
    next: more ? { at: last.created_at, id: last.id } : null,
  };
}

/** `%`, `_` and `\` in what the operator typed match themselves, not any text. */
function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
