import { randomUUID } from 'node:crypto';
import {
  type OrderCreatedEvent,
  type OrderItem,
  orderCreatedEventSchema,
  type PlacedOrderRequest,
  sandboxTokens,
} from '@microshop/contracts';

/**
 * Orders as tests need them, made once: the request a client sends to create one, and the
 * OrderCreated event the orders service writes for it. Both are valid by default; a test states only
 * what it cares about.
 */

/** The lines of an order unless a test says otherwise: 2 × JUMPERS at 25.00 and 1 × STOCKINGS at 9.99. */
export const sampleOrderItems: readonly OrderItem[] = [
  { sku: 'JUMPERS', quantity: 2, unitPrice: 2500 },
  { sku: 'STOCKINGS', quantity: 1, unitPrice: 999 },
];

/**
 * A valid `POST /api/v1/orders` body: a new customer id (a token's subject must match it), the sample
 * lines, EUR, a card that pays.
 */
export function orderRequest(overrides: Partial<PlacedOrderRequest> = {}): PlacedOrderRequest {
  return {
    customerId: randomUUID(),
    items: sampleOrderItems.map((item) => ({ ...item })),
    currency: 'EUR',
    payment: { token: sandboxTokens.success },
    ...overrides,
  };
}

export interface OrderCreatedOptions {
  orderId?: string;
  customerId?: string;
  /** Default: the sample lines. */
  items?: readonly OrderItem[];
  currency?: string;
  /** Minor units; default Σ quantity × unitPrice of the lines, i.e. a correct total. */
  total?: number;
  /** The order's `createdAt` (and the event's `occurredAt`); default now. */
  at?: Date;
  /** The event id; default a new one. */
  eventId?: string;
  /** The order's payment reference; default the sample one. */
  paymentReference?: string;
}

/** A payment reference as payments issues them (the OrderCreated of the kit's sample order carries it). */
export const samplePaymentReference = 'pm_sampleReference0000000000';

/**
 * An OrderCreated event as the orders service writes it, parsed by its contract schema so a fixture
 * that drifts from the contract fails here rather than somewhere in a test.
 */
export function orderCreatedEvent(options: OrderCreatedOptions = {}): OrderCreatedEvent {
  const at = (options.at ?? new Date()).toISOString();
  const items = (options.items ?? sampleOrderItems).map((item) => ({ ...item }));
  const order = {
    id: options.orderId ?? randomUUID(),
    customerId: options.customerId ?? randomUUID(),
    items,
    currency: options.currency ?? 'EUR',
    total: options.total ?? items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0),
    status: 'CREATED',
    reasons: [],
    createdAt: at,
    updatedAt: at,
  };
  return orderCreatedEventSchema.parse({
    id: options.eventId ?? randomUUID(),
    type: 'OrderCreated',
    occurredAt: at,
    source: 'orders',
    orderId: order.id,
    customerId: order.customerId,
    status: 'CREATED',
    order,
    payment: { reference: options.paymentReference ?? samplePaymentReference },
  });
}
