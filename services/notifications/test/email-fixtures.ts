import { randomUUID } from 'node:crypto';
import {
  type Customer,
  type CustomerChangedEvent,
  customerChangedEventSchema,
  type Order,
  type OrderEvent,
  type OrderStatus,
  orderEventSchema,
  orderEventTypeByStatus,
  type PaymentEvent,
  paymentEventSchema,
  type ShipmentEvent,
  shipmentEventSchema,
} from '@microshop/contracts';
import { samplePaymentReference } from '@microshop/platform/testing';

// The events the email tests feed the service, as the customers, orders, payments and shipments
// services write them. One order (ids) is shared by the events about it.

export interface OrderIds {
  orderId: string;
  customerId: string;
}

export function newOrder(): OrderIds {
  return { orderId: randomUUID(), customerId: randomUUID() };
}

export function order(ids: OrderIds, status: OrderStatus, overrides: Partial<Order> = {}): Order {
  const at = new Date().toISOString();
  return {
    id: ids.orderId,
    customerId: ids.customerId,
    items: [
      { sku: 'JUMPERS', quantity: 2, unitPrice: 2500 },
      { sku: 'STOCKINGS', quantity: 1, unitPrice: 999 },
    ],
    currency: 'EUR',
    total: 5999,
    status,
    reasons: [],
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function customerRegistered(ids: OrderIds, email: string, name = 'Ann Smith'): CustomerChangedEvent {
  const at = new Date().toISOString();
  const customer: Customer = { id: ids.customerId, name, email, level: 'gold', createdAt: at, updatedAt: at };
  return customerChangedEventSchema.parse({
    id: randomUUID(),
    type: 'CustomerRegistered',
    occurredAt: at,
    source: 'customers',
    customerId: ids.customerId,
    customer,
  });
}

export function statusEvent(
  ids: OrderIds,
  status: OrderStatus,
  options: { at?: Date; reasons?: string[]; total?: number } = {},
): OrderEvent {
  const at = (options.at ?? new Date()).toISOString();
  const type = orderEventTypeByStatus[status];
  return orderEventSchema.parse({
    id: randomUUID(),
    type,
    occurredAt: at,
    source: 'orders',
    orderId: ids.orderId,
    customerId: ids.customerId,
    status,
    order: order(ids, status, {
      updatedAt: at,
      reasons: options.reasons ?? [],
      ...(options.total === undefined ? {} : { total: options.total }),
    }),
    ...(type === 'OrderCreated' ? { payment: { reference: samplePaymentReference } } : {}),
  });
}

function envelope(type: string, source: string) {
  return { id: randomUUID(), type, occurredAt: new Date().toISOString(), source };
}

export function paymentSucceeded(ids: OrderIds, amount: number, currency = 'EUR'): PaymentEvent {
  return paymentEventSchema.parse({
    ...envelope('PaymentSucceeded', 'payments'),
    orderId: ids.orderId,
    paymentId: `pay_${randomUUID()}`,
    amount,
    currency,
  });
}

export function paymentRefunded(ids: OrderIds, amount: number, currency = 'EUR'): PaymentEvent {
  return paymentEventSchema.parse({
    ...envelope('PaymentRefunded', 'payments'),
    orderId: ids.orderId,
    paymentId: `pay_${randomUUID()}`,
    refundId: `re_${randomUUID()}`,
    amount,
    currency,
    reason: 'CANCELLED',
  });
}

export function shipmentDispatched(
  ids: OrderIds,
  trackingNumber: string,
  carrier = 'Sandbox Parcel',
): ShipmentEvent {
  return shipmentEventSchema.parse({
    ...envelope('ShipmentDispatched', 'shipments'),
    orderId: ids.orderId,
    shipmentId: `shp_${randomUUID()}`,
    trackingNumber,
    carrier,
  });
}

/** A unique recipient per test, so emails of other tests never match. */
export function uniqueAddress(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}
