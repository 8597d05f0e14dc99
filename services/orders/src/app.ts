import {
  buildHttpApp,
  createMetrics,
  type HttpApp,
  type Logger,
  type ReadinessCheck,
  type Registry,
} from '@microshop/platform';
import type pg from 'pg';
import { type CommandDeps, defaultCommandDeps } from './application/order-commands.ts';
import type { TimeoutLimits } from './domain/wait.ts';
import { registerOrderRoutes } from './http/order-routes.ts';
import type { StatusHub } from './waiting/status-hub.ts';

export interface OrdersAppDeps {
  /** A pool whose search_path is the orders schema (or a test's schema). */
  pool: pg.Pool;
  /** This instance's LISTEN hub; blocking GETs register their waiters with it. */
  hub: Pick<StatusHub, 'register' | 'release'>;
  logger: Logger;
  metrics?: Registry;
  readiness?: ReadinessCheck[];
  /** Blocking GET timeout: default when absent, cap when larger. */
  wait?: TimeoutLimits;
  commands?: CommandDeps;
}

export const defaultWaitLimits: TimeoutLimits = { defaultMs: 10_000, maxMs: 30_000 };

/**
 * The orders HTTP app, not listening: main calls `listen`, tests call `inject`. Closing it first
 * releases the blocking GETs (503), so close does not wait out their timeouts.
 */
export async function build(deps: OrdersAppDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'orders',
    logger: deps.logger,
    metrics: deps.metrics ?? createMetrics('orders'),
    readiness: deps.readiness ?? [],
    openapi: {
      title: 'microshop orders',
      version: '1.0.0',
      description: 'The single writer of orders: place, read (optionally waiting for a status), cancel.',
    },
  });
  registerOrderRoutes(app, {
    pool: deps.pool,
    commands: deps.commands ?? defaultCommandDeps,
    register: (orderId) => deps.hub.register(orderId),
    wait: deps.wait ?? defaultWaitLimits,
  });
  app.addHook('preClose', async () => deps.hub.release());
  return app;
}
