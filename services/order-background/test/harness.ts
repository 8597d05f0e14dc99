import {
  asMessageHandler,
  createMetrics,
  type HttpApp,
  type MessageHandler,
  type Pool,
} from '@microshop/platform';
import { serviceTestKit, type TestSchema, testAccess } from '@microshop/platform/testing';
import { projectOrders } from '../src/handlers/order-events.ts';
import { build } from '../src/http/routes.ts';
import { service } from '../src/main.ts';

// What the integration tests share: a migrated throwaway schema, a quiet logger, the HTTP app, the
// consumer's handler.

export const { logger, migratedSchema, handlerContext } = serviceTestKit(service);

/** Signs the tests' tokens; the app trusts it. */
export const { issuer, access, asOperator } = await testAccess();

export async function httpApp(db: TestSchema): Promise<HttpApp> {
  const app = await build({
    pool: db.pool,
    logger,
    metrics: createMetrics('order-background-test'),
    access,
  });
  await app.ready();
  return app;
}

/** The consumer's handler as the kit wires it: in a transaction on `pool`, with the inbox of `consumer`. */
export function orderEventHandler(pool: Pool, consumer = 'order-background'): MessageHandler {
  return asMessageHandler(projectOrders, { pool, consumer });
}
