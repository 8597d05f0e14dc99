import { randomBytes } from 'node:crypto';
import { topics } from '@microshop/contracts';
import { createMetrics, type HttpApp } from '@microshop/platform';
import { serviceTestKit, type TestSchema } from '@microshop/platform/testing';
import { defaultCommandDeps } from '../src/handlers/customer-commands.ts';
import { build } from '../src/http/routes.ts';
import { service } from '../src/main.ts';

// What the customers integration tests share: a migrated throwaway schema, a quiet logger, the HTTP app.

export const { logger, migratedSchema } = serviceTestKit(service);

export async function httpApp(db: TestSchema): Promise<HttpApp> {
  const app = await build({
    pool: db.pool,
    commands: defaultCommandDeps(topics.customers),
    logger,
    metrics: createMetrics('customers-test'),
  });
  await app.ready();
  return app;
}

/** An email no other test (or earlier run) has used. */
export function uniqueEmail(name = 'ann'): string {
  return `${name}.${randomBytes(5).toString('hex')}@example.com`;
}
