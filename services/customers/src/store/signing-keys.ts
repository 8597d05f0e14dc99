import type { Pool, PoolClient } from '@microshop/platform';
import type { JWK } from 'jose';

// The signing_keys table: ES256 key pairs as JWKs, newest first. Writes run under lockSigningKeys,
// so instances starting or rotating together make one key, not one each.

export interface SigningKeyRow {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: Date;
}

type Queryable = Pick<Pool, 'query'> | PoolClient;

/** The newest `limit` keys, newest first. */
export async function newestSigningKeys(db: Queryable, limit: number): Promise<SigningKeyRow[]> {
  const result = await db.query<{ kid: string; private_jwk: JWK; public_jwk: JWK; created_at: Date }>(
    'SELECT kid, private_jwk, public_jwk, created_at FROM signing_keys ORDER BY created_at DESC LIMIT $1',
    [limit],
  );
  return result.rows.map((row) => ({
    kid: row.kid,
    privateJwk: row.private_jwk,
    publicJwk: row.public_jwk,
    createdAt: row.created_at,
  }));
}

/** Serialises key changes across instances until the caller's transaction ends. */
export async function lockSigningKeys(client: PoolClient): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended('customers:signing-keys', 0))");
}

export async function insertSigningKey(client: PoolClient, key: SigningKeyRow): Promise<void> {
  await client.query(
    'INSERT INTO signing_keys (kid, private_jwk, public_jwk, created_at) VALUES ($1, $2, $3, $4)',
    [key.kid, JSON.stringify(key.privateJwk), JSON.stringify(key.publicJwk), key.createdAt],
  );
}

/** Deletes every key but the newest `keep`: a deleted key no longer verifies anything. */
export async function keepNewestSigningKeys(client: PoolClient, keep: number): Promise<void> {
  await client.query(
    `DELETE FROM signing_keys WHERE kid NOT IN (
       SELECT kid FROM signing_keys ORDER BY created_at DESC LIMIT $1)`,
    [keep],
  );
}
