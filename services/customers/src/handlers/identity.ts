import {
  createTokenVerifier,
  type Logger,
  type Pool,
  pruneExpired,
  type TokenVerifier,
} from '@microshop/platform';
import { type CustomersConfig, customersTopicOf, operatorAccountOf } from '../config.ts';
import { type AccountDeps, ensureOperatorAccount } from './accounts.ts';
import { defaultCommandDeps } from './customer-commands.ts';
import { createPasswordHasher } from './passwords.ts';
import { type KeyRing, openKeyRing, rotateSigningKey } from './signing-keys.ts';

/**
 * The identity parts of the customers service, made from its config at start: the password hasher,
 * the signing keys (the first one made if there is none), the operator account of the environment,
 * and how the service verifies tokens: with its own keys, unless the deployment trusts an outside
 * issuer instead (AUTH_ISSUER other than IDENTITY_ISSUER).
 */
export interface Identity {
  deps: AccountDeps & { keys: KeyRing };
  verify: TokenVerifier;
  /** Periodic: a due key rotation, the keys read again, expired refresh tokens pruned. */
  maintain(): Promise<void>;
}

export async function openIdentity(config: CustomersConfig, pool: Pool, logger: Logger): Promise<Identity> {
  const passwords = await createPasswordHasher({
    log2N: config.AUTH_SCRYPT_LOG2N,
    r: config.AUTH_SCRYPT_R,
    p: config.AUTH_SCRYPT_P,
  });
  const keys = await openKeyRing(pool, {
    issuer: config.IDENTITY_ISSUER,
    audience: config.AUTH_AUDIENCE,
    accessTokenTtlS: config.AUTH_ACCESS_TOKEN_TTL_S,
  });
  const deps = {
    pool,
    keys,
    passwords,
    logger,
    commands: defaultCommandDeps(customersTopicOf(config)),
    accountsPerEmail: config.AUTH_ACCOUNTS_PER_EMAIL,
    refreshTokenTtlMs: config.AUTH_REFRESH_TOKEN_TTL_HOURS * 3_600_000,
    now: () => new Date(),
  };
  await ensureOperatorAccount(deps, operatorAccountOf(config));
  const rotationMs = config.AUTH_SIGNING_KEY_ROTATION_HOURS * 3_600_000;
  return {
    deps,
    verify: verifierOf(config, keys),
    maintain: async () => {
      if (await rotateSigningKey(pool, { onlyIfOlderThanMs: rotationMs })) {
        logger.info('signing key rotated');
      }
      await keys.reload();
      // A day past expiry: a copied token shown late is refused as unknown rather than as reused.
      await pruneExpired(pool, { table: 'refresh_tokens', column: 'expires_at', keepMs: 86_400_000 });
    },
  };
}

function verifierOf(config: CustomersConfig, keys: KeyRing): TokenVerifier {
  if (config.AUTH_ISSUER === config.IDENTITY_ISSUER) return keys.verify;
  return createTokenVerifier({
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    jwksUrl: config.AUTH_JWKS_URL,
    rolesClaim: config.AUTH_ROLES_CLAIM,
  });
}
