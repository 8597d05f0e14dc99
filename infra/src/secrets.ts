// The passwords of one stack's database roles (and its other secrets), generated for that stack the first time it starts and
// kept beside its data (`.local/<stack>/secrets.json`, readable by its owner only). Nothing here is
// committed: every checkout, and every fresh test stack, has passwords of its own. The environment
// may still set the administrator's and the CDC role's (PG_PASSWORD, PG_CDC_PASSWORD; TEST_… for the
// test stack), e.g. to match a database someone else runs.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackSettings } from './settings.ts';

export interface StackSecrets {
  /** The administrator role (`settings.pg.user`): owns the database, a member of every service role. */
  admin: string;
  /** The CDC role Debezium logs in with: REPLICATION, reads the outbox tables only. */
  cdc: string;
  /** One per service schema: the password of that service's own role. */
  services: Record<string, string>;
  /** Signs the carrier sandbox's delivery webhooks; shipments verifies them with it. */
  webhook: string;
  /** The key payments encrypts card tokens with (32 bytes, base64). */
  paymentTokenKey: string;
  /** What the stack's processes show the operations service's trace receiver (`x-trace-ingest-key`). */
  traceIngest: string;
}

export function secretsFile(settings: Pick<StackSettings, 'home'>): string {
  return join(settings.home, 'secrets.json');
}

function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

function readStored(file: string): Partial<StackSecrets> {
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as Partial<StackSecrets>;
}

/**
 * The stack's passwords, generating (and storing) any that are missing, e.g. the role of a service
 * added since the stack was made. `schemas` are the service schemas that need a role.
 */
export function stackSecrets(settings: StackSettings, schemas: readonly string[] = []): StackSecrets {
  const file = secretsFile(settings);
  const stored = readStored(file);
  const secrets: StackSecrets = {
    admin: stored.admin ?? newPassword(),
    cdc: stored.cdc ?? newPassword(),
    services: { ...stored.services },
    webhook: stored.webhook ?? newPassword(),
    paymentTokenKey: stored.paymentTokenKey ?? randomBytes(32).toString('base64'),
    traceIngest: stored.traceIngest ?? newPassword(),
  };
  for (const schema of schemas) secrets.services[schema] ??= newPassword();
  if (JSON.stringify(secrets) !== JSON.stringify(stored)) {
    mkdirSync(settings.home, { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return {
    ...secrets,
    admin: settings.pg.password ?? secrets.admin,
    cdc: settings.pg.cdcPassword ?? secrets.cdc,
  };
}
