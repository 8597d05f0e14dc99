import type { Order } from '@microshop/contracts';
import {
  AppError,
  type HttpApp,
  mapPgError,
  notFound,
  sendProblem,
  timedOut,
  upstreamUnavailable,
  validationFailed,
} from '@microshop/platform';
import type { FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { type CommandDeps, cancelOrder, createOrder } from '../application/order-commands.ts';
import type { Parsed } from '../domain/errors.ts';
import { parseIdempotencyKey } from '../domain/idempotency.ts';
import { parseTimeout, parseWaitFor, type TimeoutLimits } from '../domain/wait.ts';
import { loadOrder, type StoredOrder } from '../store/orders-store.ts';
import { type WaitResult, waitForStatus } from '../waiting/wait-for-status.ts';
import type { Waiter } from '../waiting/waiter-registry.ts';
import {
  cancelOrderSchema,
  cancelPath,
  createOrderSchema,
  getOrderSchema,
  orderLocation,
  orderPath,
  ordersPath,
} from './schemas.ts';

export interface OrderRoutesDeps {
  pool: pg.Pool;
  commands: CommandDeps;
  register: (orderId: string) => Waiter;
  wait: TimeoutLimits;
}

export function registerOrderRoutes(app: HttpApp, deps: OrderRoutesDeps): void {
  app.post(ordersPath, { schema: createOrderSchema }, async (request, reply) => {
    const key = parsedOrThrow(parseIdempotencyKey(request.headers['idempotency-key']));
    const { order, created } = await createOrder(deps.pool, deps.commands, request.body, key);
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
      register: deps.register,
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

function answerWait(
  reply: FastifyReply,
  id: string,
  wanted: string,
  timeoutMs: number,
  result: WaitResult,
): FastifyReply | Order {
  switch (result.kind) {
    case 'reached':
      return reply.send(result.order);
    case 'not-found':
      throw notFound('order', id);
    case 'unreachable':
      return sendProblem(
        reply,
        timedOut(`order ${id} is ${result.order.status} and can no longer reach ${wanted}`),
      );
    case 'timeout':
      return sendProblem(
        reply,
        timedOut(`order ${id} did not reach ${wanted} within ${timeoutMs} ms (it is ${result.order.status})`),
      );
    case 'released':
      return sendProblem(reply, upstreamUnavailable('the orders service is shutting down; ask again'));
    case 'abandoned':
      // Nobody is listening any more; 499 (client closed request) keeps logs and metrics honest.
      return reply.status(499).send();
    default:
      return unreachable(result);
  }
}

/** Aborts when the client goes away before its answer is written. */
function disconnectSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** A plain read outside a transaction: a lost database becomes a retriable 503, not a 500. */
async function readOrder(pool: pg.Pool, id: string): Promise<StoredOrder | null> {
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

function unreachable(value: never): never {
  throw new AppError('INTERNAL', `unhandled wait result ${JSON.stringify(value)}`);
}
