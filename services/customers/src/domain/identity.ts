import { unreachable } from '@microshop/platform/pure';

/**
 * The rules of sign-in, pure: which accounts a password is tried against, what a refresh token may
 * still do, when a signing key is due for rotation. The handlers bring the clock, the hashes and the
 * rows.
 */

export type AccountRole = 'customer' | 'operator';

/** The subject of a token and what it may do. */
export interface AccountIdentity {
  id: string;
  role: AccountRole;
}

/** A token's roles: exactly the account's one role. */
export function rolesOf(account: AccountIdentity): [AccountRole] {
  return [account.role];
}

/**
 * The accounts to try, padded with `null` to `bound`: a password is always checked `bound` times
 * (against a dummy hash for each missing account), so an email with no account costs as much as one
 * with a wrong password, and a registration as much whatever the email already has.
 */
export function paddedCandidates<T>(accounts: readonly T[], bound: number): (T | null)[] {
  const tried: (T | null)[] = accounts.slice(0, bound);
  while (tried.length < bound) tried.push(null);
  return tried;
}

/** What the service knows of a refresh token presented to it (null when it knows nothing). */
export interface RefreshTokenState {
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

export type RefreshDecision =
  /** Valid: mark it rotated and issue its successor in the same family. */
  | { outcome: 'rotate' }
  /** A rotated token shown again was copied: revoke its whole family. */
  | { outcome: 'revoke-family' }
  | { outcome: 'refused'; reason: 'unknown' | 'expired' | 'revoked' };

export function decideRefresh(token: RefreshTokenState | null, now: Date): RefreshDecision {
  if (token === null) return { outcome: 'refused', reason: 'unknown' };
  if (token.revokedAt !== null) return { outcome: 'refused', reason: 'revoked' };
  if (token.rotatedAt !== null) return { outcome: 'revoke-family' };
  if (token.expiresAt.getTime() <= now.getTime()) return { outcome: 'refused', reason: 'expired' };
  return { outcome: 'rotate' };
}

/** Why a refresh was refused, for the log (the caller only ever hears "invalid refresh token"). */
export function refusalReason(decision: Exclude<RefreshDecision, { outcome: 'rotate' }>): string {
  switch (decision.outcome) {
    case 'revoke-family':
      return 'a rotated refresh token was used again; its family is revoked';
    case 'refused':
      return `refresh token ${decision.reason}`;
    default:
      return unreachable(decision);
  }
}

/** The JWKS publishes the current key and the one before it. */
export const publishedKeyCount = 2;

/**
 * A new signing key is due when there is none, or the newest is `maxAgeMs` old. Tokens signed with
 * the one before stay valid: it is still published until the next rotation.
 */
export function rotationDue(newestCreatedAt: Date | undefined, now: Date, maxAgeMs: number): boolean {
  return newestCreatedAt === undefined || now.getTime() - newestCreatedAt.getTime() >= maxAgeMs;
}
