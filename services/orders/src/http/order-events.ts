import type { Order } from '@microshop/contracts';
import type { FastifyReply } from 'fastify';
import type { StoredOrder } from '../store/orders-store.ts';
import type { WaiterRegistry } from './waiter-registry.ts';

// The live order stream behind the storefront's order page: the same waiter the blocking GET uses
// (the LISTEN connection wakes it at every committed change), written out as server-sent events.
// Registered before the first read, so a change committed in between is never missed.

export interface OrderStreamDeps {
  waiters: WaiterRegistry;
  read: (orderId: string) => Promise<StoredOrder | null>;
  /** Time between keep-alive comments (default 15 s). */
  keepAliveMs?: number;
}

const finalStatuses = new Set(['DELIVERED', 'FAILED', 'CANCELLED']);

export async function streamOrder(
  reply: FastifyReply,
  deps: OrderStreamDeps,
  orderId: string,
): Promise<void> {
  const gone = new AbortController();
  reply.raw.once('close', () => gone.abort());
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // Proxies that buffer (nginx) pass each event on at once.
    'x-accel-buffering': 'no',
  });
  const waiter = deps.waiters.register(orderId);
  try {
    await follow(reply, deps, orderId, waiter, gone.signal);
  } catch (error) {
    reply.log.warn({ err: error, orderId }, 'order stream ended by an error');
  } finally {
    waiter.dispose();
    if (!reply.raw.writableEnded) reply.raw.end();
  }
}

async function follow(
  reply: FastifyReply,
  deps: OrderStreamDeps,
  orderId: string,
  waiter: ReturnType<WaiterRegistry['register']>,
  gone: AbortSignal,
): Promise<void> {
  let sent = '';
  const keepAliveMs = deps.keepAliveMs ?? 15_000;
  while (!gone.aborted) {
    waiter.reset();
    const stored = await deps.read(orderId);
    if (stored === null) return;
    const version = `${stored.order.status}@${stored.order.updatedAt}`;
    if (version !== sent) {
      sent = version;
      write(reply, 'order', stored.order, version);
    }
    if (finalStatuses.has(stored.order.status)) {
      write(reply, 'end', { status: stored.order.status });
      return;
    }
    const signal = await waiter.next(AbortSignal.any([gone, AbortSignal.timeout(keepAliveMs)]));
    if (signal === 'released') return;
    if (signal === 'aborted' && !gone.aborted) reply.raw.write(': keep-alive\n\n');
  }
}

function write(reply: FastifyReply, event: string, data: Order | object, id?: string): void {
  const lines = [`event: ${event}`, `data: ${JSON.stringify(data)}`];
  if (id !== undefined) lines.unshift(`id: ${id}`);
  reply.raw.write(`${lines.join('\n')}\n\n`);
}
