import type { Order } from '@microshop/contracts';
import { orderStatusByEventType } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';

// The order's state and what can happen to it: evolve(state, event) → state. What should happen to
// it, given a command, is decide (decide.ts).

/** null until the order is created. */
export type OrderState = Order | null;
export const initialState: OrderState = null;

// ---- Events (one per status; the outbox envelope of each is built in events.ts) --------------------

type StatusChange<T extends string> = { type: T; orderId: string; at: string };
export type OrderCreated = { type: 'OrderCreated'; order: Order; payment: { reference: string } };
export type OrderValidated = StatusChange<'OrderValidated'>;
export type OrderApproved = StatusChange<'OrderApproved'>;
export type OrderShipped = StatusChange<'OrderShipped'>;
export type OrderDelivered = StatusChange<'OrderDelivered'>;
export type OrderFailed = StatusChange<'OrderFailed'> & { reasons: string[] };
export type OrderCancelled = StatusChange<'OrderCancelled'> & { reasons: string[] };
export type OrderDomainEvent =
  | OrderCreated
  | OrderValidated
  | OrderApproved
  | OrderShipped
  | OrderDelivered
  | OrderFailed
  | OrderCancelled;

/** A status change that carries no reasons of its own (they stay as they were). */
export type PlainStatusChange = Exclude<OrderDomainEvent, OrderCreated | OrderFailed | OrderCancelled>;

export function evolve(state: OrderState, event: OrderDomainEvent): OrderState {
  switch (event.type) {
    case 'OrderCreated':
      return event.order;
    case 'OrderValidated':
    case 'OrderApproved':
    case 'OrderShipped':
    case 'OrderDelivered':
      return changeStatus(state, event, state?.reasons ?? []);
    case 'OrderFailed':
    case 'OrderCancelled':
      return changeStatus(state, event, event.reasons);
    default:
      return unreachable(event);
  }
}

/** The state after all `events`, in order. */
export function fold(state: OrderState, events: readonly OrderDomainEvent[]): OrderState {
  return events.reduce(evolve, state);
}

function changeStatus(
  state: OrderState,
  event: Exclude<OrderDomainEvent, OrderCreated>,
  reasons: readonly string[],
): Order {
  if (state === null) throw new Error(`cannot apply ${event.type} to an order that does not exist`);
  return { ...state, status: orderStatusByEventType[event.type], reasons: [...reasons], updatedAt: event.at };
}

export function statusChange<T extends PlainStatusChange['type']>(
  type: T,
  orderId: string,
  at: string,
): StatusChange<T> {
  return { type, orderId, at };
}

export function orderFailed(orderId: string, at: string, reasons: readonly string[]): OrderFailed {
  return { type: 'OrderFailed', orderId, at, reasons: [...reasons] };
}
