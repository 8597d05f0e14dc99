import type { Customer } from '@microshop/contracts';
import { type Logger, type PoolClient, withTransaction } from '@microshop/platform';
import { type AccountRole, paddedCandidates } from '../domain/identity.ts';
import {
  type AccountRow,
  accountsOfEmail,
  insertAccount,
  lockEmail,
  updatePasswordHash,
} from '../store/accounts.ts';
import { loadCustomer } from '../store/customer-store.ts';
import { type CommandDeps, createCustomer } from './customer-commands.ts';
import type { PasswordHasher } from './passwords.ts';
import { badCredentials, type SessionDeps, startSession, type Tokens } from './sessions.ts';

/**
 * Sign-up and sign-in. An email is not unique: each registration with a new password makes a new
 * customer and account, and a password is tried against the newest accounts of the email. Both
 * always do the same work (AUTH_ACCOUNTS_PER_EMAIL password checks, plus one hash for sign-up),
 * whatever accounts exist, so neither answers nor timing tell which emails are known.
 */

export interface AccountDeps extends SessionDeps {
  passwords: PasswordHasher;
  commands: CommandDeps;
  accountsPerEmail: number;
  logger: Logger;
}

export interface Registration {
  name: string;
  email: string;
  password: string;
}

/** A new bronze customer with its account; the same email and password again → that customer. */
export async function register(
  deps: AccountDeps,
  request: Registration,
): Promise<{ customer: Customer } & Tokens> {
  const [passwordHash, first] = await Promise.all([
    deps.passwords.hash(request.password),
    matchingAccount(deps, request.email, request.password, 'customer'),
  ]);
  return withTransaction(deps.pool, async (client) => {
    await lockEmail(client, request.email);
    const account = first.account ?? (await committedMeanwhile(client, deps, request, first.tried));
    if (account !== null) {
      const customer = await loadCustomer(client, account.id);
      if (customer === null) throw new Error(`account ${account.id} has no customer`);
      return { customer, ...(await startSession(client, deps, account)) };
    }
    const id = deps.commands.newId();
    const customer = await createCustomer(client, deps.commands, id, { ...request, level: 'bronze' });
    const row = { id, role: 'customer' as const, email: request.email, passwordHash, createdAt: deps.now() };
    await insertAccount(client, row);
    return { customer, ...(await startSession(client, deps, row)) };
  });
}

/**
 * An account of the email made by a registration that committed after the first look (the same
 * request repeated concurrently): checked now, under the email's lock, so the repeat finds it.
 */
async function committedMeanwhile(
  client: PoolClient,
  deps: AccountDeps,
  request: Registration,
  tried: ReadonlySet<string>,
): Promise<AccountRow | null> {
  const accounts = await accountsOfEmail(client, request.email, {
    limit: deps.accountsPerEmail,
    role: 'customer',
  });
  for (const account of accounts.filter((candidate) => !tried.has(candidate.id))) {
    if (await deps.passwords.verify(request.password, account.passwordHash)) return account;
  }
  return null;
}

/** Tokens for the account the email and password open; the same 401 for any failure. */
export async function signIn(deps: AccountDeps, email: string, password: string): Promise<Tokens> {
  const { account } = await matchingAccount(deps, email, password);
  if (account === null) throw badCredentials();
  if (deps.passwords.isOutdated(account.passwordHash)) {
    // Hashed with parameters since raised: rehash now that the password is known.
    await updatePasswordHash(deps.pool, account.id, await deps.passwords.hash(password));
  }
  return withTransaction(deps.pool, (client) => startSession(client, deps, account));
}

/**
 * The first of the email's newest accounts (of `role`, if given) whose password this is, or null,
 * with the ids tried. Every candidate is checked, missing ones against a dummy hash, all at once.
 */
async function matchingAccount(
  deps: AccountDeps,
  email: string,
  password: string,
  role?: AccountRole,
): Promise<{ account: AccountRow | null; tried: Set<string> }> {
  const limit = deps.accountsPerEmail;
  const accounts = await accountsOfEmail(deps.pool, email, { limit, ...(role ? { role } : {}) });
  const candidates = paddedCandidates(accounts, limit);
  const matches = await Promise.all(
    candidates.map((account) =>
      account === null
        ? deps.passwords.verifyNothing(password)
        : deps.passwords.verify(password, account.passwordHash),
    ),
  );
  return { account: candidates[matches.indexOf(true)] ?? null, tried: new Set(accounts.map((a) => a.id)) };
}

/**
 * The operator account of the environment, made or given its password at start (instances starting
 * together make one: the email lock and the one-operator-per-email index).
 */
export async function ensureOperatorAccount(
  deps: AccountDeps,
  operator: { email: string; password: string },
): Promise<void> {
  await withTransaction(deps.pool, async (client) => {
    await lockEmail(client, operator.email);
    const [existing] = await accountsOfEmail(client, operator.email, { limit: 1, role: 'operator' });
    if (existing === undefined) {
      const passwordHash = await deps.passwords.hash(operator.password);
      const id = deps.commands.newId();
      await insertAccount(client, {
        id,
        role: 'operator',
        email: operator.email,
        passwordHash,
        createdAt: deps.now(),
      });
      deps.logger.info({ email: operator.email, account: id }, 'operator account created');
    } else if (!(await deps.passwords.verify(operator.password, existing.passwordHash))) {
      await updatePasswordHash(client, existing.id, await deps.passwords.hash(operator.password));
      deps.logger.info({ email: operator.email, account: existing.id }, 'operator password changed');
    }
  });
}
