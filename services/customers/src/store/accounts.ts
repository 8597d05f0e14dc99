import type { Pool, PoolClient } from '@microshop/platform';
import type { AccountRole } from '../domain/identity.ts';

// The accounts table. Writes run inside the caller's transaction.

export interface AccountRow {
  id: string;
  role: AccountRole;
  email: string;
  passwordHash: string;
  createdAt: Date;
}

type Queryable = Pick<Pool, 'query'> | PoolClient;

const columns = 'id, role, email, password_hash AS "passwordHash", created_at AS "createdAt"';

/**
 * The newest `limit` accounts of an email, whatever its case: an operator's first (so customer
 * accounts registered with an operator's email never push it out), then newest first.
 */
export async function accountsOfEmail(
  db: Queryable,
  email: string,
  options: { limit: number; role?: AccountRole },
): Promise<AccountRow[]> {
  const result = await db.query<AccountRow>(
    `SELECT ${columns} FROM accounts
     WHERE lower(email) = lower($1) AND ($3::text IS NULL OR role = $3)
     ORDER BY (role = 'operator') DESC, created_at DESC LIMIT $2`,
    [email, options.limit, options.role ?? null],
  );
  return result.rows;
}

export async function insertAccount(client: PoolClient, account: AccountRow): Promise<void> {
  await client.query(
    `INSERT INTO accounts (id, role, email, password_hash, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5)`,
    [account.id, account.role, account.email, account.passwordHash, account.createdAt],
  );
}

export async function updatePasswordHash(db: Queryable, id: string, passwordHash: string): Promise<void> {
  await db.query('UPDATE accounts SET password_hash = $2, updated_at = now() WHERE id = $1', [
    id,
    passwordHash,
  ]);
}

/**
 * Serialises the registrations of one email (whatever its case) until the caller's transaction
 * ends, so a registration repeated concurrently finds the first one's account instead of making two.
 */
export async function lockEmail(client: PoolClient, email: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `customers:email:${email.toLowerCase()}`,
  ]);
}
