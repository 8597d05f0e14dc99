import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createOrderRequestSchema,
  expireOrderCommandSchema,
  type Order,
  orderEventSchema,
  orderEventTypeByStatus,
  orderSchema,
  orderStatusByEventType,
  orderStatuses,
  ordersInboundMessageSchema,
  ordersInboundMessageTypes,
  paymentResultSchema,
  shipmentUpdateSchema,
  timelineEntrySchema,
  validationDecisionSchema,
} from '../src/index.ts';

const customerId = '6f1c2f7e-3b0a-4c51-9a43-2d5b8f1e0c11';
const orderId = '0b7d8a55-1e2f-4a3b-8c9d-0e1f2a3b4c5d';
const eventId = 'a3e1b6c2-5d4f-4e8a-9b7c-1d2e3f4a5b6c';
const at = '2025-03-01T12:00:00.000Z';

const validBody = () => ({
  customerId,
  items: [
    { sku: 'JUMPERS', quantity: 2, unitPrice: 2500 },
    { sku: 'UNDER_PANTS-2', quantity: 1, unitPrice: 0 },
  ],
  currency: 'EUR',
  payment: { token: 'tok_success' },
});

const order = (overrides: Partial<Order> = {}): Order => ({
  id: orderId,
  customerId,
  items: [{ sku: 'JUMPERS', quantity: 2, unitPrice: 2500 }],
  currency: 'EUR',
  total: 5000,
  status: 'CREATED',
  reasons: [],
  createdAt: at,
  updatedAt: at,
  ...overrides,
});

const envelope = (type: string, source = 'test') => ({ id: eventId, type, occurredAt: at, source });

function firstIssue(result: { success: boolean; error?: { issues: readonly unknown[] } }) {
  assert.equal(result.success, false, 'expected the value to be rejected');
  return result.error?.issues[0] as { path: PropertyKey[]; code: string; keys?: string[] };
}

describe('CreateOrderRequest', () => {
  it('accepts a valid order request', () => {
    const result = createOrderRequestSchema.safeParse(validBody());
    assert.equal(result.success, true);
    assert.deepEqual(result.data, validBody());
  });

  it('accepts a request without customerId: the orders service takes the customer from the token', () => {
    const { customerId: _left, ...body } = validBody();
    assert.equal(createOrderRequestSchema.safeParse(body).success, true);
  });

  it('accepts a line without a unit price: the price is the catalog’s', () => {
    const body = { ...validBody(), items: [{ sku: 'JUMPERS', quantity: 2 }] };
    assert.deepEqual(createOrderRequestSchema.safeParse(body).data?.items, [{ sku: 'JUMPERS', quantity: 2 }]);
  });

  it('accepts the largest bounded values', () => {
    const body = { ...validBody(), items: [{ sku: 'A'.repeat(64), quantity: 10_000, unitPrice: 1e12 }] };
    assert.equal(createOrderRequestSchema.safeParse(body).success, true);
  });

  const item = (patch: Record<string, unknown>) => ({
    ...validBody(),
    items: [{ ...validBody().items[0], ...patch }],
  });
  const badBodies: [string, unknown, PropertyKey[]][] = [
    ['a customerId that is not a uuid', { ...validBody(), customerId: 'customer-1' }, ['customerId']],
    ['no items', { ...validBody(), items: [] }, ['items']],
    ['101 items', { ...validBody(), items: Array(101).fill(validBody().items[0]) }, ['items']],
    ['items that are not an array', { ...validBody(), items: 'JUMPERS' }, ['items']],
    ['a zero quantity', item({ quantity: 0 }), ['items', 0, 'quantity']],
    ['a negative quantity', item({ quantity: -1 }), ['items', 0, 'quantity']],
    ['a fractional quantity', item({ quantity: 1.5 }), ['items', 0, 'quantity']],
    ['a quantity above 10 000', item({ quantity: 10_001 }), ['items', 0, 'quantity']],
    ['a quantity given as a string', item({ quantity: '2' }), ['items', 0, 'quantity']],
    ['a negative unit price', item({ unitPrice: -1 }), ['items', 0, 'unitPrice']],
    ['a unit price in floating-point units', item({ unitPrice: 12.5 }), ['items', 0, 'unitPrice']],
    ['a unit price above 10^12 minor units', item({ unitPrice: 1e12 + 1 }), ['items', 0, 'unitPrice']],
    ['a lower-case sku', item({ sku: 'jumpers' }), ['items', 0, 'sku']],
    ['an empty sku', item({ sku: '' }), ['items', 0, 'sku']],
    ['a sku of 65 characters', item({ sku: 'A'.repeat(65) }), ['items', 0, 'sku']],
    ['a sku with a space', item({ sku: 'RED JUMPER' }), ['items', 0, 'sku']],
    ['a lower-case currency', { ...validBody(), currency: 'eur' }, ['currency']],
    ['a four-letter currency', { ...validBody(), currency: 'EURO' }, ['currency']],
    ['a missing payment', { ...validBody(), payment: undefined }, ['payment']],
    ['an empty payment token', { ...validBody(), payment: { token: '' } }, ['payment', 'token']],
  ];
  for (const [what, body, path] of badBodies) {
    it(`rejects ${what} at path ${JSON.stringify(path)}`, () => {
      assert.deepEqual(firstIssue(createOrderRequestSchema.safeParse(body)).path, path);
    });
  }

  const unknownFields: [string, unknown, PropertyKey[], string][] = [
    ['the body', { ...validBody(), coupon: 'FREE' }, [], 'coupon'],
    ['an item', item({ discount: 10 }), ['items', 0], 'discount'],
    ['the payment', { ...validBody(), payment: { token: 't', cvv: '123' } }, ['payment'], 'cvv'],
  ];
  for (const [where, body, path, key] of unknownFields) {
    it(`rejects an unknown field in ${where}, naming it`, () => {
      const issue = firstIssue(createOrderRequestSchema.safeParse(body));
      assert.equal(issue.code, 'unrecognized_keys');
      assert.deepEqual(issue.path, path);
      assert.deepEqual(issue.keys, [key]);
    });
  }
});

describe('Order and timeline', () => {
  it('accepts an order as the API returns it', () => {
    assert.equal(orderSchema.safeParse(order({ status: 'FAILED', reasons: ['TIMEOUT'] })).success, true);
  });

  it('rejects an order whose total is not an integer', () => {
    assert.deepEqual(firstIssue(orderSchema.safeParse(order({ total: 50.5 }))).path, ['total']);
  });

  it('rejects an unknown status', () => {
    assert.deepEqual(firstIssue(orderSchema.safeParse({ ...order(), status: 'PAID' })).path, ['status']);
  });

  it('accepts a timeline entry with and without reasons', () => {
    assert.equal(timelineEntrySchema.safeParse({ status: 'CREATED', at }).success, true);
    assert.equal(timelineEntrySchema.safeParse({ status: 'FAILED', at, reasons: ['TIMEOUT'] }).success, true);
  });
});

describe('Order status events', () => {
  const event = (status: Order['status']) => ({
    ...envelope(orderEventTypeByStatus[status], 'orders'),
    orderId,
    customerId,
    status,
    order: order({ status }),
    ...(status === 'CREATED' ? { payment: { reference: 'pm_contractTestReference000' } } : {}),
  });

  for (const status of orderStatuses) {
    it(`accepts the ${orderEventTypeByStatus[status]} event of a ${status} order`, () => {
      const result = orderEventSchema.safeParse(event(status));
      assert.equal(result.success, true, JSON.stringify(result.error?.issues));
      assert.equal(result.data?.type, orderEventTypeByStatus[status]);
    });
  }

  it('maps every status to its event type and back', () => {
    for (const status of orderStatuses)
      assert.equal(orderStatusByEventType[orderEventTypeByStatus[status]], status);
  });

  it('rejects a status that does not belong to the event type', () => {
    const bad = { ...event('APPROVED'), status: 'VALIDATED', order: order({ status: 'VALIDATED' }) };
    assert.deepEqual(firstIssue(orderEventSchema.safeParse(bad)).path, ['status']);
  });

  it('rejects an event written by another service', () => {
    assert.deepEqual(
      firstIssue(orderEventSchema.safeParse({ ...event('SHIPPED'), source: 'shipments' })).path,
      ['source'],
    );
  });

  it('rejects an embedded order that disagrees with the envelope', () => {
    const bad = { ...event('VALIDATED'), order: order({ status: 'CREATED' }) };
    assert.deepEqual(firstIssue(orderEventSchema.safeParse(bad)).path, ['order']);
  });

  it('requires the payment on OrderCreated, carrying a reference and never the card token', () => {
    const { payment: _payment, ...withoutPayment } = event('CREATED') as ReturnType<typeof event> & {
      payment: unknown;
    };
    assert.deepEqual(firstIssue(orderEventSchema.safeParse(withoutPayment)).path, ['payment']);
    const badReference = { ...event('CREATED'), payment: { reference: 'tok_visa' } };
    assert.deepEqual(firstIssue(orderEventSchema.safeParse(badReference)).path, ['payment', 'reference']);
    // An event from before references existed carries the token: every reader drops it.
    const earlier = orderEventSchema.parse({ ...event('CREATED'), payment: { token: 'tok_visa' } });
    assert.deepEqual(earlier.type === 'OrderCreated' ? earlier.payment : null, {});
  });

  it('rejects an event id that is not a uuid', () => {
    assert.deepEqual(firstIssue(orderEventSchema.safeParse({ ...event('SHIPPED'), id: 'evt-1' })).path, [
      'id',
    ]);
  });
});

describe('Messages the orders service consumes', () => {
  const messages = {
    OrderValidated: { ...envelope('OrderValidated'), orderId },
    OrderRejected: { ...envelope('OrderRejected'), orderId, reasons: ['INVENTORY: JUMPERS short'] },
    PaymentSucceeded: {
      ...envelope('PaymentSucceeded'),
      orderId,
      paymentId: 'pay_1',
      amount: 5000,
      currency: 'EUR',
    },
    PaymentFailed: { ...envelope('PaymentFailed'), orderId, reason: 'card declined' },
    ShipmentDispatched: {
      ...envelope('ShipmentDispatched'),
      orderId,
      shipmentId: 'shp_1',
      trackingNumber: 'TRK123',
      carrier: 'sandbox',
    },
    ShipmentDelivered: { ...envelope('ShipmentDelivered'), orderId, shipmentId: 'shp_1' },
    ExpireOrder: {
      ...envelope('ExpireOrder'),
      orderId,
      expectedStatus: 'CREATED',
      reason: 'TIMEOUT',
      deadlineAt: at,
    },
  };

  for (const [type, message] of Object.entries(messages)) {
    it(`accepts a ${type} message`, () => {
      const result = ordersInboundMessageSchema.safeParse(message);
      assert.equal(result.success, true, JSON.stringify(result.error?.issues));
      assert.equal(result.data?.type, type);
    });
  }

  it('lists exactly the consumed message types', () => {
    assert.deepEqual([...ordersInboundMessageTypes].sort(), Object.keys(messages).sort());
  });

  it('keeps unknown fields out instead of refusing them (tolerant reader)', () => {
    const result = validationDecisionSchema.safeParse({ ...messages.OrderValidated, aggregatedAt: at });
    assert.equal(result.success, true);
    assert.equal('aggregatedAt' in (result.data ?? {}), false);
  });

  it('never mistakes the aggregator decision OrderValidated for the order status event OrderValidated', () => {
    assert.equal(orderEventSchema.safeParse(messages.OrderValidated).success, false);
    assert.equal(validationDecisionSchema.safeParse(messages.OrderValidated).success, true);
  });

  it('rejects a message type the orders service does not consume', () => {
    const refund = { ...envelope('PaymentRefunded'), orderId };
    assert.deepEqual(firstIssue(ordersInboundMessageSchema.safeParse(refund)).path, ['type']);
  });

  const badMessages: [string, unknown, PropertyKey[]][] = [
    ['a payment without an order id', { ...messages.PaymentFailed, orderId: undefined }, ['orderId']],
    ['a payment amount with a fraction', { ...messages.PaymentSucceeded, amount: 10.5 }, ['amount']],
    [
      'a shipment without a tracking number',
      { ...messages.ShipmentDispatched, trackingNumber: '' },
      ['trackingNumber'],
    ],
    ['an expiry for another reason', { ...messages.ExpireOrder, reason: 'BORED' }, ['reason']],
    [
      'an expiry for an unknown status',
      { ...messages.ExpireOrder, expectedStatus: 'PAID' },
      ['expectedStatus'],
    ],
    ['a rejection without reasons', { ...messages.OrderRejected, reasons: undefined }, ['reasons']],
  ];
  for (const [what, message, path] of badMessages) {
    it(`rejects ${what} at path ${JSON.stringify(path)}`, () => {
      assert.deepEqual(firstIssue(ordersInboundMessageSchema.safeParse(message)).path, path);
    });
  }

  it('parses each topic with its own union', () => {
    assert.equal(paymentResultSchema.safeParse(messages.PaymentFailed).success, true);
    assert.equal(paymentResultSchema.safeParse(messages.ShipmentDelivered).success, false);
    assert.equal(shipmentUpdateSchema.safeParse(messages.ShipmentDelivered).success, true);
    assert.equal(expireOrderCommandSchema.safeParse(messages.ExpireOrder).success, true);
  });
});
