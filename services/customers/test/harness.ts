import { randomBytes, randomUUID } from 'node:crypto';
import { createMetrics, type HttpApp, loadConfig } from '@microshop/platform';
import { serviceTestKit, type TestSchema } from '@microshop/platform/testing';
import { customersConfig } from '../src/config.ts';
import type { AccountRole } from '../src/domain/identity.ts';
import { type Identity, openIdentity } from '../src/handlers/identity.ts';
import { build } from '../src/http/routes.ts';
import { service } from '../src/main.ts';

// What the customers integration tests share: a migrated throwaway schema, a quiet logger, the HTTP
// app with the service's own identity (cheap password hashes: tests are not the attacker).

export const { logger, migratedSchema } = serviceTestKit(service);

export interface CustomersTestApp {
  app: HttpApp;
  identity: Identity;
  /** `Authorization` headers of a token the service itself signed. */
  as(role: AccountRole, subject?: string): Promise<{ authorization: string }>;
}

export const testIdentityEnv = {
  MICROSHOP_PROFILE: 'test',
  AUTH_SCRYPT_LOG2N: '10',
};

export async function httpApp(db: TestSchema, env: Record<string, string> = {}): Promise<CustomersTestApp> {
  const config = loadConfig(customersConfig, { ...testIdentityEnv, DATABASE_SCHEMA: db.name, ...env });
  const identity = await openIdentity(config, db.pool, logger);
  const app = await build({
    pool: db.pool,
    commands: identity.deps.commands,
    identity: identity.deps,
    logger,
    metrics: createMetrics('customers-test'),
    access: { verify: identity.verify },
  });
  await app.ready();
  const as = async (role: AccountRole, subject: string = randomUUID()) => {
    const { accessToken } = await identity.deps.keys.sign({ id: subject, role });
    return { authorization: `Bearer ${accessToken}` };
  };
  return { app, identity, as };
}

/** An email no other test (or earlier run) has used. */
export function uniqueEmail(name = 'ann'): string {
  return `${name}.${randomBytes(5).toString('hex')}@example.com`;
}
