import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from '@microshop/platform';
import { type AppError, unauthenticated, withTransaction } from '@microshop/platform';
import { type AccountIdentity, decideRefresh, refusalReason } from '../domain/identity.ts';
import {
  findRefreshToken,
  insertRefreshToken,
  lockRefreshToken,
  markRotated,
  revokeAccountTokens,
  revokeFamily,
} from '../store/refresh-tokens.ts';
import type { KeyRing } from './signing-keys.ts';

/**
 * A signed-in session: a short-lived access token (a JWT anyone can verify with the JWKS) and an
 * opaque refresh token (only its hash is stored) that gets new ones. Every refresh rotates the
 * refresh token; showing a rotated one again revokes its whole family (it was copied).
 */

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface SessionDeps {
  pool: Pool;
  keys: KeyRing;
  refreshTokenTtlMs: number;
  now: () => Date;
}

/** A new session (a new refresh token family) for the account, in the caller's transaction. */
export async function startSession(
  client: PoolClient,
  deps: SessionDeps,
  account: AccountIdentity,
): Promise<Tokens> {
  const refreshToken = await issueRefreshToken(client, deps, account.id, randomUUID());
  return tokensFor(deps, account, refreshToken);
}

/** Rotates the refresh token: new tokens, or 401 for anything but a live, unrotated token. */
export async function refresh(deps: SessionDeps, refreshToken: string): Promise<Tokens> {
  const result = await withTransaction(deps.pool, (client) => rotate(client, deps, refreshToken));
  if ('refused' in result) throw unauthenticated('refresh token invalid', new Error(result.refused));
  return tokensFor(deps, result.account, result.next);
}

type Rotation = { account: AccountIdentity; next: string } | { refused: string };

/** Returns (rather than throws) a refusal, so a revoked family commits with the transaction. */
async function rotate(client: PoolClient, deps: SessionDeps, refreshToken: string): Promise<Rotation> {
  const now = deps.now();
  const stored = await lockRefreshToken(client, hashOf(refreshToken));
  const decision = decideRefresh(stored, now);
  if (stored === null || decision.outcome !== 'rotate') {
    if (stored !== null && decision.outcome === 'revoke-family') {
      await revokeFamily(client, stored.familyId, now);
    }
    return { refused: decision.outcome === 'rotate' ? 'no such token' : refusalReason(decision) };
  }
  await markRotated(client, hashOf(refreshToken), now);
  const account = { id: stored.accountId, role: stored.role };
  return { account, next: await issueRefreshToken(client, deps, account.id, stored.familyId) };
}

/**
 * Signs out: with a refresh token of the caller's own, that session ends; without one, every
 * session of the caller. A token of someone else's (or none known) changes nothing, and the answer
 * is the same, so sign-out tells nothing about other people's tokens.
 */
export async function signOut(deps: SessionDeps, subject: string, refreshToken?: string): Promise<void> {
  const now = deps.now();
  if (refreshToken === undefined) return revokeAccountTokens(deps.pool, subject, now);
  const stored = await findRefreshToken(deps.pool, hashOf(refreshToken));
  if (stored !== null && stored.accountId === subject) await revokeFamily(deps.pool, stored.familyId, now);
}

async function issueRefreshToken(
  client: PoolClient,
  deps: SessionDeps,
  accountId: string,
  familyId: string,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const issuedAt = deps.now();
  const expiresAt = new Date(issuedAt.getTime() + deps.refreshTokenTtlMs);
  await insertRefreshToken(client, { tokenHash: hashOf(token), familyId, accountId, issuedAt, expiresAt });
  return token;
}

async function tokensFor(deps: SessionDeps, account: AccountIdentity, refreshToken: string): Promise<Tokens> {
  const { accessToken, expiresIn } = await deps.keys.sign(account);
  return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn };
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The one answer to every failed sign-in: it never says whether the email or the password was wrong. */
export function badCredentials(): AppError {
  return unauthenticated('email or password is wrong');
}
