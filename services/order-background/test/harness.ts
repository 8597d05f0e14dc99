import { createMetrics, type HttpApp } from '@microshop/platform';
import { serviceTestKit, type TestSchema } from '@microshop/platform/testing';
import { buildHttp } from '../src/handlers/http-routes.ts';
import { migrateSchema } from '../src/store/database.ts';

// What the integration tests share: a migrated throwaway schema, a quiet logger, the HTTP app.

export const { logger, migratedSchema, handlerContext } = serviceTestKit({
  service: 'order-background',
  migrate: migrateSchema,
});

export async function httpApp(db: TestSchema): Promise<HttpApp> {
  const app = await buildHttp({ pool: db.pool, logger, metrics: createMetrics('order-background-test') });
  await app.ready();
  return app;
}
