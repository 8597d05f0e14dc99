import type { Order, OrderStatus } from '@microshop/contracts';
import { notFound, sendProblem, timedOut, upstreamUnavailable } from '@microshop/platform';
import { unreachable } from '@microshop/platform/pure';
import type { FastifyReply } from 'fastify';
import { canStillReach, hasReached } from '../domain/wait.ts';
import type { StoredOrder } from '../store/orders-store.ts';
import type { Waiter } from './waiter-registry.ts';

// The blocking GET's loop: read, answer if the order has reached a wanted status, else sleep until
// the order changes, the deadline passes, the client leaves or the service shuts down.

export type WaitResult =
  | { kind: 'reached'; order: Order }
  | { kind: 'not-found' }
  /** The order can never get there any more (e.g. FAILED while waiting for SHIPPED). */
  | { kind: 'unreachable'; order: Order }
  | { kind: 'timeout'; order: Order }
  | { kind: 'released' }
  | { kind: 'abandoned' };

export interface WaitInput {
  register: (orderId: string) => Waiter;
  read: (orderId: string) => Promise<StoredOrder | null>;
  orderId: string;
  wanted: readonly OrderStatus[];
  timeoutMs: number;
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
}

export async function waitForStatus(input: WaitInput): Promise<WaitResult> {
  // Registered BEFORE the first read: a change committed between the read and the wait still
  // leaves a pending wake-up behind.
  const waiter = input.register(input.orderId);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), input.timeoutMs);
  const stop = AbortSignal.any([deadline.signal, input.signal]);
  try {
    for (;;) {
      waiter.reset();
      const stored = await input.read(input.orderId);
      if (stored === null) return { kind: 'not-found' };
      const { order } = stored;
      if (hasReached([...stored.history, order.status], input.wanted)) return { kind: 'reached', order };
      if (!canStillReach(order.status, input.wanted)) return { kind: 'unreachable', order };
      const signal = await waiter.next(stop);
      if (signal === 'released') return { kind: 'released' };
      if (signal === 'aborted') {
        return deadline.signal.aborted && !input.signal.aborted
          ? { kind: 'timeout', order }
          : { kind: 'abandoned' };
      }
    }
  } finally {
    clearTimeout(timer);
    waiter.dispose();
  }
}

/** The answer to a blocking GET, from how its wait ended. */
export function answerWait(
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
export function disconnectSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
