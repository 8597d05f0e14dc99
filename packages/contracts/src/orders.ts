import { z } from 'zod';
import { envelopeBase } from './envelope.ts';

// Orders: the HTTP bodies, the order status events the orders service publishes, and the messages
// it consumes. Naming, so the two directions cannot be confused:
//   - `Order<Status>Event` (e.g. `OrderValidatedEvent`) is an order *status* event the orders service
//     writes to its outbox (topic `microshop.order-outbox`, key = customer id).
//   - `ValidationDecision*`, `PaymentResult*`, `ShipmentUpdate*` and `ExpireOrderCommand` are what the
//     orders service *consumes*. The aggregator's wire type `OrderValidated` is the same word as the
//     status event's, which is why its schema is `validationDecisionValidatedSchema`.
// Requests are strict (unknown fields are a 400); messages between services are tolerant readers
// (unknown fields are dropped) so a producer can add a field without breaking its consumers.
// Schemas are the `...Schema` values; the TypeScript types share the name without the suffix.

/** Ids are accepted in any 8-4-4-4-12 hex form, like PostgreSQL's `uuid` type (no RFC variant check). */
export const idSchema = z.guid();

export const orderStatuses = [
  'CREATED',
  'VALIDATED',
  'APPROVED',
  'SHIPPED',
  'DELIVERED',
  'FAILED',
  'CANCELLED',
] as const;
export const orderStatusSchema = z.enum(orderStatuses);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

export const maxItemsPerOrder = 100;
export const maxQuantity = 10_000;
/** Upper bound of one unit price in minor units (10^12 cents = 10 billion in a 2-decimal currency). */
export const maxUnitPrice = 1_000_000_000_000;

export const skuSchema = z
  .string()
  .regex(/^[A-Z0-9_-]{1,64}$/, 'sku must be 1 to 64 upper-case letters, digits, "-" or "_"');
/** ISO 4217 alphabetic code. */
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'currency must be 3 upper-case letters (ISO 4217)');
/** Money is integer minor units (cents), never a float. */
export const moneySchema = z.number().int().nonnegative().max(maxUnitPrice);
export const timestampSchema = z.iso.datetime({ offset: true });

const orderItemShape = {
  sku: skuSchema,
  quantity: z.number().int().positive().max(maxQuantity),
  unitPrice: moneySchema,
};
/**
 * An order line as requested (strict) — an unknown field in a request is a 400. The price is the
 * catalog's: a client may state the one it saw, and a different one is refused (409), not charged.
 */
export const orderItemRequestSchema = z.strictObject({
  ...orderItemShape,
  unitPrice: moneySchema.optional().describe("Optional: the catalog's unit price the client saw"),
});
/** An order line as the API returns it and as events carry it. */
export const orderItemSchema = z.object(orderItemShape);
export type OrderItem = z.infer<typeof orderItemSchema>;

// ---- HTTP API -------------------------------------------------------------------------------------

export const createOrderRequestSchema = z.strictObject({
  /** The signed-in customer's own id, or left out (the orders service takes it from the token). */
  customerId: idSchema.optional(),
  items: z.array(orderItemRequestSchema).min(1).max(maxItemsPerOrder),
  currency: currencySchema,
  payment: z.strictObject({ token: z.string().min(1).max(256) }),
});
export type CreateOrderRequest = z.infer<typeof createOrderRequestSchema>;
/** A request once the orders service knows whose it is. */
export type PlacedOrderRequest = CreateOrderRequest & { customerId: string };

/** The order as the API returns it and as order events carry it. */
export const orderSchema = z.object({
  id: idSchema,
  customerId: idSchema,
  items: z.array(orderItemSchema).min(1),
  currency: currencySchema,
  /** Σ quantity × unitPrice in minor units; the domain refuses totals beyond 2^53 − 1. */
  total: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  status: orderStatusSchema,
  /** Why the order FAILED (or was cancelled); empty otherwise. */
  reasons: z.array(z.string()),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Order = z.infer<typeof orderSchema>;

/** One status change of an order, as `GET /api/v1/orders/{id}/timeline` lists them. */
export const timelineEntrySchema = z.object({
  status: orderStatusSchema,
  at: timestampSchema,
  reasons: z.array(z.string()).optional(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

// ---- Order status events (published, topic microshop.order-outbox, key = customer id) -------------

function orderEvent<T extends string, S extends OrderStatus>(type: T, status: S) {
  return envelopeBase.extend({
    type: z.literal(type),
    source: z.literal('orders'),
    orderId: idSchema,
    customerId: idSchema,
    status: z.literal(status),
    /** The whole order after the change, so readers need no lookup. */
    order: orderSchema,
  });
}

/**
 * The payment method of an order as every service but payments sees it: an opaque reference that
 * payments issued for the card token (which only payments ever holds, encrypted).
 */
export const paymentReferenceSchema = z
  .string()
  .regex(/^pm_[A-Za-z0-9_-]{16,64}$/, 'a payment reference is pm_ and 16 to 64 URL-safe characters');
export type PaymentReference = z.infer<typeof paymentReferenceSchema>;

/**
 * OrderCreated alone also carries the order's payment reference (never the card token): payments
 * looks the token up by it to charge once the order is validated. Events written before references
 * existed have none (readers drop any other field), which payments treats as no payment method.
 */
export const orderCreatedEventSchema = orderEvent('OrderCreated', 'CREATED').extend({
  payment: z.object({ reference: paymentReferenceSchema.optional() }),
});
export const orderValidatedEventSchema = orderEvent('OrderValidated', 'VALIDATED');
export const orderApprovedEventSchema = orderEvent('OrderApproved', 'APPROVED');
export const orderShippedEventSchema = orderEvent('OrderShipped', 'SHIPPED');
export const orderDeliveredEventSchema = orderEvent('OrderDelivered', 'DELIVERED');
export const orderFailedEventSchema = orderEvent('OrderFailed', 'FAILED');
export const orderCancelledEventSchema = orderEvent('OrderCancelled', 'CANCELLED');

export const orderEventSchema = z
  .discriminatedUnion('type', [
    orderCreatedEventSchema,
    orderValidatedEventSchema,
    orderApprovedEventSchema,
    orderShippedEventSchema,
    orderDeliveredEventSchema,
    orderFailedEventSchema,
    orderCancelledEventSchema,
  ])
  .refine(
    (e) => e.order.id === e.orderId && e.order.customerId === e.customerId && e.order.status === e.status,
    { message: 'orderId, customerId and status must match the embedded order', path: ['order'] },
  );
export type OrderEvent = z.infer<typeof orderEventSchema>;
export type OrderEventType = OrderEvent['type'];
export type OrderCreatedEvent = z.infer<typeof orderCreatedEventSchema>;
export type OrderValidatedEvent = z.infer<typeof orderValidatedEventSchema>;
export type OrderApprovedEvent = z.infer<typeof orderApprovedEventSchema>;
export type OrderShippedEvent = z.infer<typeof orderShippedEventSchema>;
export type OrderDeliveredEvent = z.infer<typeof orderDeliveredEventSchema>;
export type OrderFailedEvent = z.infer<typeof orderFailedEventSchema>;
export type OrderCancelledEvent = z.infer<typeof orderCancelledEventSchema>;

/** The event type announcing each status, and back. One entry per status, checked by the compiler. */
export const orderEventTypeByStatus = {
  CREATED: 'OrderCreated',
  VALIDATED: 'OrderValidated',
  APPROVED: 'OrderApproved',
  SHIPPED: 'OrderShipped',
  DELIVERED: 'OrderDelivered',
  FAILED: 'OrderFailed',
  CANCELLED: 'OrderCancelled',
} as const satisfies Record<OrderStatus, OrderEventType>;
export const orderStatusByEventType = {
  OrderCreated: 'CREATED',
  OrderValidated: 'VALIDATED',
  OrderApproved: 'APPROVED',
  OrderShipped: 'SHIPPED',
  OrderDelivered: 'DELIVERED',
  OrderFailed: 'FAILED',
  OrderCancelled: 'CANCELLED',
} as const satisfies Record<OrderEventType, OrderStatus>;
export const orderEventTypes: readonly OrderEventType[] = Object.values(orderEventTypeByStatus);

// ---- Messages the orders service consumes ---------------------------------------------------------

/** May be empty: the orders service then records a generic reason rather than dead-lettering. */
const reasonsSchema = z.array(z.string());

/** The validation aggregator's "all checks passed" (topic microshop.order-decisions, key = order id). */
export const validationDecisionValidatedSchema = envelopeBase.extend({
  type: z.literal('OrderValidated'),
  orderId: idSchema,
});
/** The validation aggregator's "a check failed", with every reason known (topic microshop.order-decisions). */
export const validationDecisionRejectedSchema = envelopeBase.extend({
  type: z.literal('OrderRejected'),
  orderId: idSchema,
  reasons: reasonsSchema,
});
export const validationDecisionSchema = z.discriminatedUnion('type', [
  validationDecisionValidatedSchema,
  validationDecisionRejectedSchema,
]);
export type ValidationDecisionValidated = z.infer<typeof validationDecisionValidatedSchema>;
export type ValidationDecisionRejected = z.infer<typeof validationDecisionRejectedSchema>;
export type ValidationDecision = z.infer<typeof validationDecisionSchema>;

/** Topic microshop.payments (key = order id). Refunds travel on it too; the orders service ignores them. */
export const paymentSucceededSchema = envelopeBase.extend({
  type: z.literal('PaymentSucceeded'),
  orderId: idSchema,
  paymentId: z.string().min(1),
  amount: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  currency: currencySchema,
});
export const paymentFailedSchema = envelopeBase.extend({
  type: z.literal('PaymentFailed'),
  orderId: idSchema,
  reason: z.string().min(1),
});
export const paymentResultSchema = z.discriminatedUnion('type', [
  paymentSucceededSchema,
  paymentFailedSchema,
]);
export type PaymentSucceeded = z.infer<typeof paymentSucceededSchema>;
export type PaymentFailed = z.infer<typeof paymentFailedSchema>;
export type PaymentResult = z.infer<typeof paymentResultSchema>;

/** Topic microshop.shipments (key = order id). */
export const shipmentDispatchedSchema = envelopeBase.extend({
  type: z.literal('ShipmentDispatched'),
  orderId: idSchema,
  shipmentId: z.string().min(1),
  trackingNumber: z.string().min(1),
  carrier: z.string().min(1),
});
export const shipmentDeliveredSchema = envelopeBase.extend({
  type: z.literal('ShipmentDelivered'),
  orderId: idSchema,
  shipmentId: z.string().min(1),
});
export const shipmentUpdateSchema = z.discriminatedUnion('type', [
  shipmentDispatchedSchema,
  shipmentDeliveredSchema,
]);
export type ShipmentDispatched = z.infer<typeof shipmentDispatchedSchema>;
export type ShipmentDelivered = z.infer<typeof shipmentDeliveredSchema>;
export type ShipmentUpdate = z.infer<typeof shipmentUpdateSchema>;

/**
 * The order-background watchdog's command (topic microshop.order-commands, key = order id): fail the
 * order with reason TIMEOUT, but only if it is still in `expectedStatus` — the command may race with
 * the very change it was waiting for.
 */
export const expireOrderCommandSchema = envelopeBase.extend({
  type: z.literal('ExpireOrder'),
  orderId: idSchema,
  expectedStatus: orderStatusSchema,
  reason: z.literal('TIMEOUT'),
  deadlineAt: timestampSchema,
});
export type ExpireOrderCommand = z.infer<typeof expireOrderCommandSchema>;

/** Everything the orders service consumes, from any of its topics; every `type` is distinct. */
export const ordersInboundMessageSchema = z.discriminatedUnion('type', [
  validationDecisionValidatedSchema,
  validationDecisionRejectedSchema,
  paymentSucceededSchema,
  paymentFailedSchema,
  shipmentDispatchedSchema,
  shipmentDeliveredSchema,
  expireOrderCommandSchema,
]);
export type OrdersInboundMessage = z.infer<typeof ordersInboundMessageSchema>;
export type OrdersInboundMessageType = OrdersInboundMessage['type'];
/** The `type`s above, e.g. to skip other messages sharing a topic (refunds) before parsing. */
export const ordersInboundMessageTypes: readonly OrdersInboundMessageType[] =
  ordersInboundMessageSchema.options.map((option) => option.shape.type.value);
