import type {
  ExpireOrderCommand,
  Order,
  OrderItem,
  OrderStatus,
  PaymentFailed,
  PaymentSucceeded,
  PlacedOrderRequest,
  ShipmentDelivered,
  ShipmentDispatched,
  ValidationDecisionRejected,
  ValidationDecisionValidated,
} from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';
import { InvalidTransitionError, OrderDomainError } from './errors.ts';
import { computeTotal } from './money.ts';
import { type OrderDomainEvent, type OrderState, orderFailed, statusChange } from './order.ts';
import { canTransition } from './status.ts';

// What should happen to an order, given a command: decide(command, state) → Decision. The state and
// the events it evolves through are in order.ts.
//
// A Decision says one of three things, and the difference is the point of this module:
//   applied  — events to store (with their outbox rows) in one transaction;
//   ignored  — no events, and no error: the command is a duplicate or arrived after the order moved
//              on (a late validation after CANCELLED). A consumer records the message as handled, so a
//              legitimate late message never lands on the dead-letter topic;
//   rejected — a typed OrderDomainError: the caller asked for something the order cannot do (cancel a
//              SHIPPED order → 409) or the message is wrong; `retriable` says whether to try again.

// ---- Commands -------------------------------------------------------------------------------------
// Consumed messages are taken as the parsed contract messages; only the fields used are required.

/**
 * The order as placed once its lines are priced from the catalog (pricing.ts) and its card token has
 * become a payment reference: the token itself never reaches the domain, the order or its events.
 */
export type PlacedOrder = Pick<PlacedOrderRequest, 'customerId' | 'currency'> & {
  items: readonly OrderItem[];
  payment: { reference: string };
};
export type CreateOrder = { type: 'CreateOrder'; orderId: string; request: PlacedOrder; now: Date };
export type ApplyValidationDecision = {
  type: 'ApplyValidationDecision';
  message:
    | Pick<ValidationDecisionValidated, 'type' | 'orderId'>
    | Pick<ValidationDecisionRejected, 'type' | 'orderId' | 'reasons'>;
  now: Date;
};
export type ApplyPaymentResult = {
  type: 'ApplyPaymentResult';
  message: Pick<PaymentSucceeded, 'type' | 'orderId'> | Pick<PaymentFailed, 'type' | 'orderId' | 'reason'>;
  now: Date;
};
export type ApplyShipment = {
  type: 'ApplyShipment';
  message: Pick<ShipmentDispatched, 'type' | 'orderId'> | Pick<ShipmentDelivered, 'type' | 'orderId'>;
  now: Date;
};
/** From HTTP: refused with INVALID_TRANSITION once the order has shipped, failed or been delivered. */
export type CancelOrder = { type: 'CancelOrder'; orderId: string; now: Date; reason?: string };
export type ExpireOrder = {
  type: 'ExpireOrder';
  message: Pick<ExpireOrderCommand, 'type' | 'orderId' | 'expectedStatus' | 'reason'>;
  now: Date;
};
export type OrderCommand =
  | CreateOrder
  | ApplyValidationDecision
  | ApplyPaymentResult
  | ApplyShipment
  | CancelOrder
  | ExpireOrder;

// ---- Decisions ------------------------------------------------------------------------------------

/** ALREADY_APPLIED: the order is already in the status the command leads to (a duplicate). */
export type IgnoreReason = 'ALREADY_APPLIED' | 'SUPERSEDED' | 'NOT_IN_EXPECTED_STATUS';
export type Decision =
  | { outcome: 'applied'; events: readonly OrderDomainEvent[] }
  | { outcome: 'ignored'; events: readonly []; reason: IgnoreReason; detail: string }
  | { outcome: 'rejected'; error: OrderDomainError };

const applied = (events: readonly OrderDomainEvent[]): Decision => ({ outcome: 'applied', events });
const ignored = (reason: IgnoreReason, detail: string): Decision => ({
  outcome: 'ignored',
  events: [],
  reason,
  detail,
});
const rejected = (error: OrderDomainError): Decision => ({ outcome: 'rejected', error });

export function decide(command: OrderCommand, state: OrderState): Decision {
  switch (command.type) {
    case 'CreateOrder':
      return decideCreate(command, state);
    case 'ApplyValidationDecision':
      return decideValidation(command, state);
    case 'ApplyPaymentResult':
      return decidePayment(command, state);
    case 'ApplyShipment':
      return decideShipment(command, state);
    case 'CancelOrder':
      return decideCancel(command, state);
    case 'ExpireOrder':
      return decideExpire(command, state);
    default:
      return unreachable(command);
  }
}

function decideCreate({ orderId, request, now }: CreateOrder, state: OrderState): Decision {
  if (state !== null)
    return rejected(new OrderDomainError('ORDER_ALREADY_EXISTS', `order ${state.id} exists`));
  const result = computeTotal(request.items);
  if (!result.ok) {
    const message = `order total ${result.exact} exceeds ${Number.MAX_SAFE_INTEGER} minor units`;
    return rejected(new OrderDomainError('TOTAL_OVERFLOW', message, { field: 'items' }));
  }
  const at = now.toISOString();
  const order: Order = {
    id: orderId,
    customerId: request.customerId,
    items: request.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
    currency: request.currency,
    total: result.total,
    status: 'CREATED',
    reasons: [],
    createdAt: at,
    updatedAt: at,
  };
  return applied([{ type: 'OrderCreated', order, payment: { reference: request.payment.reference } }]);
}

function decideValidation({ message, now }: ApplyValidationDecision, state: OrderState): Decision {
  const order = lookup(state, message.orderId);
  if (order instanceof OrderDomainError) return rejected(order);
  const at = now.toISOString();
  switch (message.type) {
    case 'OrderValidated':
      return step(order, 'VALIDATED', { CREATED: [statusChange('OrderValidated', order.id, at)] });
    case 'OrderRejected': {
      const reasons = message.reasons.length > 0 ? message.reasons : ['VALIDATION_FAILED'];
      return step(order, 'FAILED', { CREATED: [orderFailed(order.id, at, reasons)] });
    }
    default:
      return unreachable(message);
  }
}

// A payment result can overtake the validation decision (different topics, different consumers).
// Payments charges only validated orders, so a result for a CREATED order also proves VALIDATED.
function decidePayment({ message, now }: ApplyPaymentResult, state: OrderState): Decision {
  const order = lookup(state, message.orderId);
  if (order instanceof OrderDomainError) return rejected(order);
  const at = now.toISOString();
  const validated = statusChange('OrderValidated', order.id, at);
  switch (message.type) {
    case 'PaymentSucceeded': {
      const approved = statusChange('OrderApproved', order.id, at);
      return step(order, 'APPROVED', { VALIDATED: [approved], CREATED: [validated, approved] });
    }
    case 'PaymentFailed': {
      const fail = orderFailed(order.id, at, [message.reason]);
      return step(order, 'FAILED', { VALIDATED: [fail], CREATED: [validated, fail] });
    }
    default:
      return unreachable(message);
  }
}

// Shipments books only after OrderApproved, which this service wrote first: a shipment for an order
// not yet APPROVED is out of order (retriable). A delivery also proves the dispatch.
function decideShipment({ message, now }: ApplyShipment, state: OrderState): Decision {
  const order = lookup(state, message.orderId);
  if (order instanceof OrderDomainError) return rejected(order);
  const at = now.toISOString();
  const shipped = statusChange('OrderShipped', order.id, at);
  const early: readonly OrderStatus[] = ['CREATED', 'VALIDATED'];
  switch (message.type) {
    case 'ShipmentDispatched':
      return step(order, 'SHIPPED', { APPROVED: [shipped] }, early);
    case 'ShipmentDelivered': {
      const delivered = statusChange('OrderDelivered', order.id, at);
      return step(order, 'DELIVERED', { SHIPPED: [delivered], APPROVED: [shipped, delivered] }, early);
    }
    default:
      return unreachable(message);
  }
}

function decideCancel({ orderId, now, reason }: CancelOrder, state: OrderState): Decision {
  const order = lookup(state, orderId);
  if (order instanceof OrderDomainError) return rejected(order);
  // Cancelling twice answers like the first time (an HTTP retry), without a second event.
  if (order.status === 'CANCELLED')
    return ignored('ALREADY_APPLIED', `order ${order.id} is already CANCELLED`);
  if (!canTransition(order.status, 'CANCELLED'))
    return rejected(new InvalidTransitionError(order.status, 'CANCELLED'));
  const reasons = reason === undefined ? [] : [reason];
  return applied([{ type: 'OrderCancelled', orderId: order.id, at: now.toISOString(), reasons }]);
}

function decideExpire({ message, now }: ExpireOrder, state: OrderState): Decision {
  const order = lookup(state, message.orderId);
  if (order instanceof OrderDomainError) return rejected(order);
  if (order.status !== message.expectedStatus) {
    const detail = `order ${order.id} is ${order.status}, no longer ${message.expectedStatus}`;
    return ignored('NOT_IN_EXPECTED_STATUS', detail);
  }
  const at = now.toISOString();
  // Before payment an order that runs out of time fails; once paid (APPROVED, no shipment booked in
  // time) it is cancelled, which compensates: payments refunds, inventory restocks, shipments cancels
  // a late booking.
  if (canTransition(order.status, 'FAILED')) return applied([orderFailed(order.id, at, [message.reason])]);
  if (canTransition(order.status, 'CANCELLED')) {
    return applied([{ type: 'OrderCancelled', orderId: order.id, at, reasons: [message.reason] }]);
  }
  // Still stuck, but in a status nothing may end (SHIPPED: the watchdog flags it to operators
  // instead): refusing makes a wrong command visible instead of silently doing nothing.
  return rejected(new InvalidTransitionError(order.status, 'FAILED'));
}

/**
 * A consumed fact: `plans` gives the events for each status the fact can move the order from; in an
 * `early` status the fact came too soon (retriable); in any other status the order is already at or
 * past the fact's target, so it changes nothing.
 */
function step(
  order: Order,
  target: OrderStatus,
  plans: Partial<Record<OrderStatus, readonly OrderDomainEvent[]>>,
  early: readonly OrderStatus[] = [],
): Decision {
  const events = plans[order.status];
  if (events !== undefined) return applied(events);
  if (early.includes(order.status)) {
    const message = `order ${order.id} is ${order.status}: too early to move it to ${target}`;
    return rejected(new OrderDomainError('OUT_OF_ORDER', message, { retriable: true }));
  }
  const reason = order.status === target ? 'ALREADY_APPLIED' : 'SUPERSEDED';
  return ignored(reason, `order ${order.id} is ${order.status}; moving it to ${target} changes nothing`);
}

function lookup(state: OrderState, orderId: string): Order | OrderDomainError {
  if (state === null) return new OrderDomainError('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
  if (state.id !== orderId) {
    return new OrderDomainError('ORDER_MISMATCH', `a command for order ${orderId} reached order ${state.id}`);
  }
  return state;
}
