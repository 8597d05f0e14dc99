import { randomUUID } from 'node:crypto';
import { type Order, type OrderEvent, topics } from '@microshop/contracts';
import {
  appendToOutbox,
  type HandlerTransaction,
  type OutboxMessage,
  outboxMessage,
  type Pool,
  withTransaction,
} from '@microshop/platform';
import { decide, type IgnoreReason, type OrderCommand } from '../domain/decide.ts';
import { orderEventKey, outboxEventsFor } from '../domain/events.ts';
import { loadOrder, recordChanges } from '../store/orders-store.ts';
import { toAppError } from './errors.ts';

// What happens when something asks an existing order to change — a consumed fact (Kafka) or the
// customer's cancel (HTTP): lock and load the order, decide, store the change with its history, and
// publish its events, all in one transaction (blocking GETs are notified at commit).

export interface CommandDeps {
  /** Injected so tests control time; the domain never reads a clock. */
  now: () => Date;
  /** Ids for new orders and event envelopes. */
  newId: () => string;
}

export const defaultCommandDeps: CommandDeps = { now: () => new Date(), newId: randomUUID };

/** Every command but the one that creates the order. */
export type ChangeCommand = Exclude<OrderCommand, { type: 'CreateOrder' }>;

export type ChangeResult =
  | { outcome: 'applied'; order: Order; events: readonly OrderEvent[] }
  | { outcome: 'ignored'; order: Order; reason: IgnoreReason; detail: string };

/** Where a change is written: the kit's transaction in the consumer, `changeOrderAlone`'s for HTTP. */
export type OrderTransaction = Pick<HandlerTransaction, 'client' | 'publish'>;

/**
 * Applies a command to an existing order inside the caller's transaction: locks the order row,
 * decides, stores. A refused command throws the mapped AppError, so the caller's transaction
 * (and, in a consumer, the inbox row) rolls back.
 */
export async function changeOrder(
  tx: OrderTransaction,
  deps: CommandDeps,
  command: ChangeCommand,
): Promise<ChangeResult> {
  const stored = await loadOrder(tx.client, orderIdOf(command), { forUpdate: true });
  const decision = decide(command, stored?.order ?? null);
  if (decision.outcome === 'rejected') throw toAppError(decision.error);
  // decide() rejects a command for a missing order, so from here on there is one.
  if (stored === null) throw new Error(`decide accepted ${command.type} for a missing order`);
  if (decision.outcome === 'ignored') {
    return { outcome: 'ignored', order: stored.order, reason: decision.reason, detail: decision.detail };
  }
  const { state, outbox } = outboxEventsFor(stored.order, decision.events, deps.newId, deps.now());
  if (state === null) throw new Error(`${command.type} left no order`);
  await recordChanges(tx.client, state, outbox);
  tx.publish(...outbox.map(toOutboxMessage));
  return { outcome: 'applied', order: state, events: outbox };
}

/** `changeOrder` in a transaction of its own, for a caller the kit does not run in one (HTTP). */
export function changeOrderAlone(
  pool: Pool,
  deps: CommandDeps,
  command: ChangeCommand,
): Promise<ChangeResult> {
  return withTransaction(pool, async (client) => {
    const published: OutboxMessage[] = [];
    const tx = { client, publish: (...messages: OutboxMessage[]) => void published.push(...messages) };
    const result = await changeOrder(tx, deps, command);
    await appendToOutbox(client, published);
    return result;
  });
}

/** Recorded in `reasons` so a reader of a CANCELLED order sees who ended it. */
export const cancelReason = 'CANCELLED_BY_CUSTOMER';

/** The customer cancels: 202 also when already cancelled; 409 once shipped, failed or delivered. */
export async function cancelOrder(pool: Pool, deps: CommandDeps, orderId: string): Promise<Order> {
  const command: ChangeCommand = { type: 'CancelOrder', orderId, now: deps.now(), reason: cancelReason };
  return (await changeOrderAlone(pool, deps, command)).order;
}

/** Topic microshop.order-outbox, key = customer id, value = the whole envelope. */
export function toOutboxMessage(event: OrderEvent): OutboxMessage {
  return outboxMessage(event, { topic: topics.orderOutbox, key: orderEventKey(event) });
}

function orderIdOf(command: ChangeCommand): string {
  return command.type === 'CancelOrder' ? command.orderId : command.message.orderId;
}
