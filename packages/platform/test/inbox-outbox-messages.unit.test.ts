import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inboxMessageOf } from '../src/inbox.ts';
import { outboxMessage } from '../src/outbox.ts';

describe('inboxMessageOf and outboxMessage', () => {
  const event = {
    id: '0b7d8a55-1e2f-4a3b-8c9d-0e1f2a3b4c5d',
    type: 'OrderValidation',
    occurredAt: '2025-03-01T10:00:00.000Z',
    source: 'fraud',
    orderId: 'a1b2c3d4-0000-4000-8000-000000000001',
  };

  test('the inbox entry takes the header event id, else the event’s own, and the message’s position', () => {
    const position = { topic: 'microshop.order-outbox', partition: 2, offset: 41n };
    assert.deepEqual(inboxMessageOf({ ...position, eventId: 'from-header' }, event.id), {
      eventId: 'from-header',
      ...position,
    });
    assert.equal(inboxMessageOf({ ...position, eventId: null }, event.id).eventId, event.id);
  });

  test('the outbox row carries the envelope’s id and type and the whole envelope as payload', () => {
    assert.deepEqual(outboxMessage(event, { topic: 'microshop.order-validations', key: event.orderId }), {
      id: event.id,
      topic: 'microshop.order-validations',
      key: event.orderId,
      type: 'OrderValidation',
      payload: event,
    });
  });
});
