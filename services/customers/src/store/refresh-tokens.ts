import type { Pool, PoolClient } from '@microshop/platform';
import type { AccountRole, RefreshTokenState } from '../domain/identity.ts';

// The refresh_tokens table: SHA-256 hashes of opaque tokens, each in a family that rotation extends.

export interface NewRefreshToken {
  tokenHash: string;
  familyId: string;
  accountId: string;
  issuedAt: Date;
  expiresAt: Date;
}

export interface StoredRefreshToken extends RefreshTokenState {
  familyId: string;
  accountId: string;
  role: AccountRole;
}

export async function insertRefreshToken(client: PoolClient, token: NewRefreshToken): Promise<void> {
  await client.query(
    `INSERT INTO refresh_tokens (token_hash, family_id, account_id, issued_at, expires_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [token.tokenHash, token.familyId, token.accountId, token.issuedAt, token.expiresAt],
  );
}

/** The token with its account's role, locked until the caller's transaction ends; null if unknown. */
export async function lockRefreshToken(
  client: PoolClient,
  tokenHash: string,
): Promise<StoredRefreshToken | null> {
  const result = await client.query<StoredRefreshToken>(
    `SELECT t.family_id AS "familyId", t.account_id AS "accountId", a.role, t.expires_at AS "expiresAt",
            t.rotated_at AS "rotatedAt", t.revoked_at AS "revokedAt"
       FROM refresh_tokens t JOIN accounts a ON a.id = t.account_id
      WHERE t.token_hash = $1 FOR UPDATE OF t`,
    [tokenHash],
  );
  return result.rows[0] ?? null;
}

export async function markRotated(client: PoolClient, tokenHash: string, at: Date): Promise<void> {
  await client.query('UPDATE refresh_tokens SET rotated_at = $2 WHERE token_hash = $1', [tokenHash, at]);
}

export async function revokeFamily(db: Pick<Pool, 'query'> | PoolClient, familyId: string, at: Date) {
  await db.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [
    familyId,
    at,
  ]);
}

/** Signs an account out everywhere: every refresh token it holds stops working. */
export async function revokeAccountTokens(db: Pick<Pool, 'query'>, accountId: string, at: Date) {
  await db.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [
    accountId,
    at,
  ]);
}

/** The family and account of a token, unlocked (sign-out checks whose token it is). */
export async function findRefreshToken(
  db: Pick<Pool, 'query'>,
  tokenHash: string,
): Promise<{ familyId: string; accountId: string } | null> {
  const result = await db.query<{ familyId: string; accountId: string }>(
    'SELECT family_id AS "familyId", account_id AS "accountId" FROM refresh_tokens WHERE token_hash = $1',
    [tokenHash],
  );
  return result.rows[0] ?? null;
}
