import {
  buildHttpApp,
  type HttpApp,
  type HttpBase,
  idempotentRequest,
  mapPgError,
  notFound,
  type Pool,
  validationFailed,
} from '@microshop/platform';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { PaymentMethods } from '../clients/payment-methods.ts';
import type { Parsed } from '../domain/errors.ts';
import { parseTimeout, parseWaitFor, type TimeoutLimits } from '../domain/wait.ts';
import { type CommandDeps, cancelOrder, defaultCommandDeps } from '../handlers/change-order.ts';
import { placeOrder } from '../handlers/place-order.ts';
import { loadOrder, type StoredOrder } from '../store/orders-store.ts';
import {
  cancelOrderSchema,
  cancelPath,
  createOrderSchema,
  getOrderSchema,
  orderLocation,
  orderPath,
  ordersPath,
} from './schemas.ts';
import { answerWait, disconnectSignal, waitForStatus } from './wait-for-status.ts';
import type { WaiterRegistry } from './waiter-registry.ts';

/**
 * The orders API, reached through the gateway under the same paths:
 *   POST /api/v1/orders                  place (optional Idempotency-Key)
 *   GET  /api/v1/orders/{id}[?waitFor]   read, or wait until the order reaches a status
 *   POST /api/v1/orders/{id}/cancel      cancel before it ships
 */

export interface HttpDeps extends HttpBase {
  /** A pool whose search_path is the orders schema (or a test's schema). */
  pool: Pool;
  /** This instance's waiters: blocking GETs register here, the status listener wakes them. */
  waiters: WaiterRegistry;
  /** Blocking GET timeout: default when absent, cap when larger. */
  wait?: TimeoutLimits;
  commands?: CommandDeps;
  /** Where an order's card token goes (payments), for the reference its events carry instead. */
  paymentMethods: PaymentMethods;
}

export const defaultWaitLimits: TimeoutLimits = { defaultMs: 10_000, maxMs: 30_000 };

/**
 * The app with every route, not listening: the kit listens, tests use `inject`. Closing it first
 * releases the blocking GETs (503), so close does not wait out their timeouts.
 */
export async function build({
  pool,
  waiters,
  wait,
  commands,
  paymentMethods,
  ...base
}: HttpDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'orders',
    ...base,
    openapi: {
      title: 'microshop orders',
      version: '1.0.0',
      description: 'The single writer of orders: place, read (optionally waiting for a status), cancel.',
    },
  });
  registerRoutes(app, {
    pool,
    waiters,
    wait: wait ?? defaultWaitLimits,
    commands: commands ?? defaultCommandDeps,
    paymentMethods,
  });
  app.addHook('preClose', async () => waiters.releaseAll());
  return app;
}

interface RouteDeps {
  pool: Pool;
  waiters: WaiterRegistry;
  wait: TimeoutLimits;
  commands: CommandDeps;
  paymentMethods: PaymentMethods;
}

export function registerRoutes(app: HttpApp, deps: RouteDeps): void {
  app.post(ordersPath, { schema: createOrderSchema }, async (request, reply) => {
    const idempotent = idempotentRequest(request.headers['idempotency-key'], request.body);
    const payment = { paymentMethods: deps.paymentMethods, authorization: request.headers.authorization };
    const { value: order, created } = await placeOrder(
      deps.pool,
      deps.commands,
      request.body,
      idempotent,
      payment,
    );
    return reply
      .status(created ? 201 : 200)
      .header('location', orderLocation(order.id))
      .send(order);
  });

  app.get(orderPath, { schema: getOrderSchema }, async (request, reply) => {
    const { id } = request.params;
    const wanted = parsedOrThrow(parseWaitFor(request.query.waitFor));
    const timeoutMs = parsedOrThrow(parseTimeout(request.query.timeout, deps.wait));
    if (wanted === null) {
      const stored = await readOrder(deps.pool, id);
      if (stored === null) throw notFound('order', id);
      return reply.send(stored.order);
    }
    const result = await waitForStatus({
      register: (orderId) => deps.waiters.register(orderId),
      read: (orderId) => readOrder(deps.pool, orderId),
      orderId: id,
      wanted,
      timeoutMs,
      signal: disconnectSignal(reply),
    });
    return answerWait(reply, id, wanted.join(', '), timeoutMs, result);
  });

  // The cancel call carries no body; a client that still sends `Content-Type: application/json`
  // with nothing after it must not get a 400, so this route alone reads an empty body as none.
  app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      if (body.length === 0) return done(null, undefined);
      scope.getDefaultJsonParser('error', 'error')(request, body.toString(), done);
    });
    scope
      .withTypeProvider<ZodTypeProvider>()
      .post(cancelPath, { schema: cancelOrderSchema }, async (request, reply) => {
        const order = await cancelOrder(deps.pool, deps.commands, request.params.id);
        return reply.status(202).send(order);
      });
  });
}

/** A plain read outside a transaction: a lost database becomes a retriable 503, not a 500. */
async function readOrder(pool: Pool, id: string): Promise<StoredOrder | null> {
  try {
    return await loadOrder(pool, id);
  } catch (error) {
    throw mapPgError(error);
  }
}

function parsedOrThrow<T>(parsed: Parsed<T>): T {
  if (parsed.ok) return parsed.value;
  throw validationFailed([parsed.error]);
}
