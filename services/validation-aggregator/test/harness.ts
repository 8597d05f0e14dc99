import { createMetrics, type HttpApp } from '@microshop/platform';
import { serviceTestKit, type TestSchema } from '@microshop/platform/testing';
import { build } from '../src/http/routes.ts';
import { service } from '../src/main.ts';

// What the integration tests share: a migrated throwaway schema, a quiet logger, the HTTP app.

export const { logger, migratedSchema, handlerContext } = serviceTestKit(service);

export async function httpApp(db: TestSchema): Promise<HttpApp> {
  const app = await build({ pool: db.pool, logger, metrics: createMetrics('validation-aggregator-test') });
  await app.ready();
  return app;
}
