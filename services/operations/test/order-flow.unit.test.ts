import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeadLetterRecord } from '../src/clients/dead-letter-reader.ts';
import { flowRowOf } from '../src/handlers/order-flow.ts';

const orderId = '5c7e0b8a-1111-4222-8333-944455556666';

function record(value: unknown, headers: Record<string, string> = {}): DeadLetterRecord {
  return {
    topic: 'microshop.payments',
    partition: 0,
    offset: 7n,
    timestamp: 1_000n,
    key: Buffer.from(orderId),
    value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers: new Map(Object.entries(headers).map(([name, text]) => [Buffer.from(name), Buffer.from(text)])),
  };
}

describe('the order-flow index', () => {
  it('indexes an event by its order id, with type, service, trace and redrive id', () => {
    const row = flowRowOf(
      record(
        { type: 'PaymentSucceeded', source: 'payments', orderId, eventId: 'e-1' },
        { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'redrive.id': 'r-1' },
      ),
    );
    assert.deepEqual(row, {
      orderId,
      type: 'PaymentSucceeded',
      service: 'payments',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      eventId: 'e-1',
      redriveId: 'r-1',
    });
  });

  it('finds the order inside a status event, and inside an outbox payload sent as a JSON string', () => {
    const event = { type: 'OrderShipped', source: 'orders', order: { id: orderId } };
    assert.equal(flowRowOf(record(event))?.orderId, orderId);
    assert.equal(flowRowOf(record(JSON.stringify(JSON.stringify(event))))?.type, 'OrderShipped');
  });

  it('leaves out what names no order: other events, bytes that are not JSON, tombstones', () => {
    assert.equal(flowRowOf(record({ type: 'CustomerChanged', customerId: orderId })), null);
    assert.equal(flowRowOf(record('not json')), null);
    assert.equal(flowRowOf(record(null)), null);
    assert.equal(flowRowOf(record({ orderId: 'not-a-uuid' })), null);
  });
});
