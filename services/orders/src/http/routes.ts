import { type CreateOrderRequest, idSchema } from '@microshop/contracts';
import {
  AppError,
  assertOwner,
  buildHttpApp,
  type HttpApp,
  type HttpBase,
  idempotentRequest,
  mapPgError,
  notFound,
  type Pool,
  type Principal,
  validationFailed,
} from '@microshop/platform';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { PaymentMethods } from '../clients/payment-methods.ts';
import type { Parsed } from '../domain/errors.ts';
import { parseTimeout, parseWaitFor, type TimeoutLimits } from '../domain/wait.ts';
import { type CommandDeps, cancelOrder, defaultCommandDeps } from '../handlers/change-order.ts';
import { placeOrder } from '../handlers/place-order.ts';
import { loadOrder, type StoredOrder } from '../store/orders-store.ts';
import { streamOrder } from './order-events.ts';
import {
  cancelOrderSchema,
  cancelPath,
  createOrderSchema,
  getOrderSchema,
  orderEventsPath,
  orderEventsSchema,
  orderLocation,
  orderPath,
  ordersPath,
} from './schemas.ts';
import { createWaitCap, type WaitCap } from './wait-cap.ts';
import { answerWait, disconnectSignal, waitForStatus } from './wait-for-status.ts';
import type { WaiterRegistry } from './waiter-registry.ts';

/**
 * The orders API, reached through the gateway under the same paths:
 *   POST /api/v1/orders                  place, as the signed-in customer (optional Idempotency-Key)
 *   GET  /api/v1/orders/{id}[?waitFor]   read, or wait until the order reaches a status (its customer, operators)
 *   GET  /api/v1/orders/{id}/events      follow it live: server-sent events (its customer, operators)
 *   POST /api/v1/orders/{id}/cancel      cancel before it ships (its customer, operators)
 */

export interface HttpDeps extends HttpBase {
  /** A pool whose search_path is the orders schema (or a test's schema). */
  pool: Pool;
  /** This instance's waiters: blocking GETs register here, the status listener wakes them. */
  waiters: WaiterRegistry;
  /** Blocking GET timeout: default when absent, cap when larger. */
  wait?: TimeoutLimits;
  /** Blocking GETs one principal may have waiting at once (default 20). */
  waitsPerPrincipal?: number;
  commands?: CommandDeps;
  /** Where an order's card token goes (payments), for the reference its events carry instead. */
  paymentMethods: PaymentMethods;
}

export const defaultWaitLimits: TimeoutLimits = { defaultMs: 10_000, maxMs: 30_000 };
export const defaultWaitsPerPrincipal = 20;

/**
 * The app with every route, not listening: the kit listens, tests use `inject`. Closing it first
 * releases the blocking GETs (503), so close does not wait out their timeouts.
 */
export async function build({
  pool,
  waiters,
  wait,
  waitsPerPrincipal,
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
    waitCap: createWaitCap(waitsPerPrincipal ?? defaultWaitsPerPrincipal),
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
  waitCap: WaitCap;
  commands: CommandDeps;
  paymentMethods: PaymentMethods;
}

export function registerRoutes(app: HttpApp, deps: RouteDeps): void {
  app.post(ordersPath, { schema: createOrderSchema }, async (request, reply) => {
    const body = { ...request.body, customerId: orderingCustomer(request.principal, request.body) };
    // Keys are the customer's own: another client's key can neither replay nor block this order.
    const idempotent = idempotentRequest(request.headers['idempotency-key'], body, body.customerId);
    const payment = { paymentMethods: deps.paymentMethods, authorization: request.headers.authorization };
    const { value: order, created } = await placeOrder(deps.pool, deps.commands, body, idempotent, payment);
    return reply
      .status(created ? 201 : 200)
      .header('location', orderLocation(order.id))
      .send(order);
  });

  app.get(orderPath, { schema: getOrderSchema }, async (request, reply) => {
    const { id } = request.params;
    const wanted = parsedOrThrow(parseWaitFor(request.query.waitFor));
    const timeoutMs = parsedOrThrow(parseTimeout(request.query.timeout, deps.wait));
    const stored = await ownOrder(deps.pool, request, id);
    if (wanted === null) return reply.send(stored.order);
    const leave = deps.waitCap.enter(request.principal?.subject ?? '');
    try {
      const result = await waitForStatus({
        register: (orderId) => deps.waiters.register(orderId),
        read: (orderId) => readOrder(deps.pool, orderId),
        orderId: id,
        wanted,
        timeoutMs,
        signal: disconnectSignal(reply),
      });
      return answerWait(reply, id, wanted.join(', '), timeoutMs, result);
    } finally {
      leave();
    }
  });

  app.get(orderEventsPath, { schema: orderEventsSchema }, async (request, reply) => {
    const { id } = request.params;
    await ownOrder(deps.pool, request, id);
    // A stream holds a connection and a waiter as a blocking GET does: the same cap per caller.
    const leave = deps.waitCap.enter(request.principal?.subject ?? '');
    try {
      await streamOrder(
        reply,
        { waiters: deps.waiters, read: (orderId) => readOrder(deps.pool, orderId) },
        id,
      );
    } finally {
      leave();
    }
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
        await ownOrder(deps.pool, request, request.params.id);
        const order = await cancelOrder(deps.pool, deps.commands, request.params.id);
        return reply.status(202).send(order);
      });
  });
}

/**
 * The customer an order is placed for: the signed-in customer's own id (the route admits customers
 * only). A `customerId` in the body must be that id; anyone else's is a 403.
 */
function orderingCustomer(principal: Principal | undefined, body: CreateOrderRequest): string {
  const subject = principal?.subject ?? '';
  if (!idSchema.safeParse(subject).success) {
    throw new AppError('FORBIDDEN', 'the signed-in principal is not a customer who can place orders');
  }
  if (body.customerId !== undefined && body.customerId.toLowerCase() !== subject.toLowerCase()) {
    throw new AppError('FORBIDDEN', 'customerId must be the signed-in customer (or left out)', {
      fields: [{ field: 'customerId', rule: 'principal', message: 'is not the signed-in customer' }],
    });
  }
  return subject.toLowerCase();
}

/** The order, if it is the caller's (or the caller is an operator); the same 404 otherwise. */
async function ownOrder(pool: Pool, request: FastifyRequest, id: string): Promise<StoredOrder> {
  const stored = await readOrder(pool, id);
  if (stored === null) throw notFound('order', id);
  assertOwner(request, stored.order.customerId, `order ${id}`);
  return stored;
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
