import { randomUUID } from 'node:crypto';
import { type CreateOrderRequest, type Order, type OrderEvent, topics } from '@microshop/contracts';
import {
  appendToOutbox,
  idempotencyKeyReused,
  type OutboxMessage,
  withTransaction,
} from '@microshop/platform';
import type pg from 'pg';
import { orderEventKey, outboxEventsFor } from '../domain/events.ts';
import { compareIdempotentRequest, requestFingerprint } from '../domain/idempotency.ts';
import { decide, type IgnoreReason, type OrderCommand } from '../domain/order.ts';
import { claimIdempotencyKey } from '../store/idempotency-store.ts';
import { insertOrder, loadOrder, recordChanges } from '../store/orders-store.ts';
import { toAppError } from './errors.ts';

// The use cases: each is one transaction that stores the state change, its history and its outbox
// events together (and notifies blocking GETs at commit). HTTP and Kafka adapters call these.

export interface CommandDeps {
  /** Injected so tests control time; the domain never reads a clock. */
  now: () => Date;
  /** Ids for new orders and event envelopes. */
  newId: () => string;
}

export const defaultCommandDeps: CommandDeps = { now: () => new Date(), newId: randomUUID };

export interface CreateOrderResult {
  order: Order;
  /** False when an Idempotency-Key replay answered with the order created earlier. */
  created: boolean;
}

/**
 * Creates the order (CREATED) with its `OrderCreated` event. With an idempotency key, the key row
 * is claimed in the same transaction: the same key with the same body answers with the first
 * order, with another body it is refused (422).
 */
export async function createOrder(
  pool: pg.Pool,
  deps: CommandDeps,
  request: CreateOrderRequest,
  idempotencyKey: string | null,
): Promise<CreateOrderResult> {
  const orderId = deps.newId();
  const now = deps.now();
  const decision = decide({ type: 'CreateOrder', orderId, request, now }, null);
  if (decision.outcome === 'rejected') throw toAppError(decision.error);
  return withTransaction(pool, async (client) => {
    if (idempotencyKey !== null) {
      const fingerprint = requestFingerprint(request);
      const claim = await claimIdempotencyKey(client, idempotencyKey, fingerprint, orderId);
      if (!claim.claimed) {
        if (compareIdempotentRequest(claim.fingerprint, fingerprint) === 'mismatch') {
          throw idempotencyKeyReused(idempotencyKey);
        }
        const existing = await loadOrder(client, claim.orderId);
        if (existing === null) throw new Error(`order ${claim.orderId} of an idempotency key is missing`);
        return { order: existing.order, created: false };
      }
    }
    const { state, outbox } = outboxEventsFor(null, decision.events, deps.newId, now);
    if (state === null) throw new Error('OrderCreated left no order');
    await insertOrder(client, state, outbox);
    await appendToOutbox(client, outbox.map(toOutboxMessage));
    return { order: state, created: true };
  });
}

export type ChangeResult =
  | { outcome: 'applied'; order: Order; events: readonly OrderEvent[] }
  | { outcome: 'ignored'; order: Order; reason: IgnoreReason; detail: string };

/**
 * Applies a command to an existing order inside the caller's transaction: locks the order row,
 * decides, stores. A refused command throws the mapped AppError, so the caller's transaction
 * (and, in a consumer, the inbox row) rolls back.
 */
export async function changeOrder(
  client: pg.ClientBase,
  deps: CommandDeps,
  command: Exclude<OrderCommand, { type: 'CreateOrder' }>,
): Promise<ChangeResult> {
  const stored = await loadOrder(client, orderIdOf(command), { forUpdate: true });
  const decision = decide(command, stored?.order ?? null);
  if (decision.outcome === 'rejected') throw toAppError(decision.error);
  // decide() rejects a command for a missing order, so from here on there is one.
  if (stored === null) throw new Error(`decide accepted ${command.type} for a missing order`);
  if (decision.outcome === 'ignored') {
    return { outcome: 'ignored', order: stored.order, reason: decision.reason, detail: decision.detail };
  }
  const { state, outbox } = outboxEventsFor(stored.order, decision.events, deps.newId, deps.now());
  if (state === null) throw new Error(`${command.type} left no order`);
  await persist(client, state, outbox);
  return { outcome: 'applied', order: state, events: outbox };
}

/** Recorded in `reasons` so a reader of a CANCELLED order sees who ended it. */
export const cancelReason = 'CANCELLED_BY_CUSTOMER';

/** The customer cancels: 202 also when already cancelled; 409 once shipped, failed or delivered. */
export async function cancelOrder(pool: pg.Pool, deps: CommandDeps, orderId: string): Promise<Order> {
  const result = await withTransaction(pool, (client) =>
    changeOrder(client, deps, { type: 'CancelOrder', orderId, now: deps.now(), reason: cancelReason }),
  );
  return result.order;
}

async function persist(client: pg.ClientBase, order: Order, events: readonly OrderEvent[]): Promise<void> {
  await recordChanges(client, order, events);
  await appendToOutbox(client, events.map(toOutboxMessage));
}

/** Topic microshop.order-outbox, key = customer id, value = the whole envelope. */
export function toOutboxMessage(event: OrderEvent): OutboxMessage {
  return {
    id: event.id,
    topic: topics.orderOutbox,
    key: orderEventKey(event),
    type: event.type,
    payload: event,
  };
}

function orderIdOf(command: Exclude<OrderCommand, { type: 'CreateOrder' }>): string {
  return command.type === 'CancelOrder' ? command.orderId : command.message.orderId;
}
