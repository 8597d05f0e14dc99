import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { AppError } from '../errors.ts';

/**
 * Who is calling. The gateway and every service verify the caller's access token themselves (a JWT
 * signed by the identity issuer and published as a JWKS), so a service port reached directly trusts no
 * more than the gateway does, and no header an outsider could set carries the principal.
 */

export const roles = ['customer', 'operator'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  /** The token's `sub`: a customer's id, or an operator's account id. */
  subject: string;
  roles: readonly Role[];
}

export function isOperator(principal: Principal | undefined): boolean {
  return principal?.roles.includes('operator') ?? false;
}

/** Turns a bearer token into its principal; throws AppError UNAUTHENTICATED for any bad token. */
export type TokenVerifier = (token: string) => Promise<Principal>;

export interface TokenVerifierOptions {
  /** The `iss` every token must carry. */
  issuer: string;
  /** The `aud` every token must carry. */
  audience: string;
  /**
   * Where the issuer publishes its public keys; fetched on first use and when an unknown key id shows
   * up. Several addresses (the identity service's instances) are tried in turn while one cannot be
   * reached.
   */
  jwksUrl: string | readonly string[];
  /**
   * The claim holding the roles (an array of strings); default `roles`. A dotted path reaches into an
   * object claim, as outside issuers nest them (`realm_access.roles`).
   */
  rolesClaim?: string;
}

/** Verifies tokens against a remote JWKS (microshop's identity, or an outside OpenID Connect issuer). */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const urls = typeof options.jwksUrl === 'string' ? [options.jwksUrl] : options.jwksUrl;
  if (urls.length === 0) throw new Error('createTokenVerifier needs at least one JWKS URL');
  const sets = urls.map((url) =>
    createRemoteJWKSet(new URL(url), { cooldownDuration: 5_000, timeoutDuration: 5_000 }),
  );
  return verifierWithKeys(failover(sets), options);
}

/**
 * The first key set that can be fetched answers; one that cannot (down, timed out, not a JWKS) hands
 * over to the next. The last one that answered is asked first next time.
 */
function failover(sets: readonly JWTVerifyGetKey[]): JWTVerifyGetKey {
  let preferred = 0;
  return async (header, token) => {
    let lastError: unknown;
    for (let tried = 0; tried < sets.length; tried++) {
      const index = (preferred + tried) % sets.length;
      try {
        const key = await (sets[index] as JWTVerifyGetKey)(header, token);
        preferred = index;
        return key;
      } catch (error) {
        if (!isKeyFetchFailure(error)) throw error;
        lastError = error;
      }
    }
    throw lastError;
  };
}

/** jose's codes for a key set that could not be fetched; a fetch that failed outright has none. */
const keyFetchFailures = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

function isKeyFetchFailure(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code !== 'string' || keyFetchFailures.has(code);
}

/** The same, with the keys given (the identity service verifies with its own keys, tests with theirs). */
export function verifierWithKeys(
  keys: JWTVerifyGetKey,
  options: Omit<TokenVerifierOptions, 'jwksUrl'>,
): TokenVerifier {
  const rolesClaim = options.rolesClaim ?? 'roles';
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'],
      }));
    } catch (error) {
      throw verifyError(error);
    }
    return principalOf(payload, rolesClaim);
  };
}

function principalOf(payload: JWTPayload, rolesClaim: string): Principal {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthenticated('token has no subject');
  const claimed = rolesClaim.split('.').reduce<unknown>((value, name) => claimOf(value, name), payload);
  const granted = Array.isArray(claimed) ? claimed.filter((role): role is Role => isRole(role)) : [];
  return { subject: payload.sub, roles: granted };
}

function claimOf(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/** The 401 every failed authentication answers with; the detail never says which check failed how. */
export function unauthenticated(detail: string, cause?: unknown): AppError {
  return new AppError('UNAUTHENTICATED', detail, cause === undefined ? {} : { cause });
}

/** A bad token is the caller's problem (401); keys that cannot be fetched are ours (503, retriable). */
function verifyError(error: unknown): AppError {
  const code = (error as { code?: unknown })?.code;
  if (code === 'ERR_JWT_EXPIRED') return unauthenticated('access token expired', error);
  if (isKeyFetchFailure(error)) {
    return new AppError('UPSTREAM_UNAVAILABLE', 'the keys that verify access tokens are unavailable', {
      cause: error,
    });
  }
  return unauthenticated('access token invalid', error);
}

/** `Authorization: Bearer <token>` → the token; undefined when the header is absent; throws when malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  if (!match?.[1]) throw unauthenticated('Authorization must be "Bearer <access token>"');
  return match[1];
}
