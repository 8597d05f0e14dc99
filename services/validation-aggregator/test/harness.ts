import { createMetrics, type HttpApp } from '@microshop/platform';
import { serviceTestKit, type TestSchema, testAccess } from '@microshop/platform/testing';
import { build } from '../src/http/routes.ts';
import { service } from '../src/main.ts';

// What the integration tests share: a migrated throwaway schema, a quiet logger, the HTTP app.

export const { logger, migratedSchema, handlerContext } = serviceTestKit(service);

/** Signs the tests' tokens: only operators read validations. */
export const { issuer, access, asOperator } = await testAccess();

export async function httpApp(db: TestSchema): Promise<HttpApp> {
  const app = await build({
    pool: db.pool,
    logger,
    metrics: createMetrics('validation-aggregator-test'),
    access,
  });
  await app.ready();
  return app;
}
