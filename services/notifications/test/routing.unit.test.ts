import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customerLevels, ordersByLevelTopic, routedOrderEventSchema } from '@microshop/contracts';
import {
  chooseLevel,
  defaultRoutedTopicPrefix,
  eventAgeMs,
  routedEvent,
  routedTopic,
  waitEndsAt,
} from '../src/domain/routing.ts';
import { orderEvent } from './fixtures.ts';

describe('choosing the level an order is routed with', () => {
  test("a known customer's level is used, however old the event", () => {
    assert.deepEqual(chooseLevel('platinum', 0, 5_000), { kind: 'known', level: 'platinum' });
    assert.deepEqual(chooseLevel('silver', 3_600_000, 5_000), { kind: 'known', level: 'silver' });
  });

  test('an unknown customer makes a young event wait and an event past the grace period go bronze', () => {
    assert.deepEqual(chooseLevel(null, 4_999, 5_000), { kind: 'wait', ageMs: 4_999 });
    assert.deepEqual(chooseLevel(null, 5_000, 5_000), { kind: 'fallback', level: 'bronze', ageMs: 5_000 });
  });

  test("an event's age comes from its occurredAt and is never negative", () => {
    const event = orderEvent('CREATED', { at: new Date('2025-03-01T10:00:00.000Z') });
    assert.equal(eventAgeMs(event, new Date('2025-03-01T10:00:02.500Z')), 2_500);
    assert.equal(eventAgeMs(event, new Date('2025-03-01T09:59:59.000Z')), 0);
  });
});

describe('the routed event', () => {
  test("carries the order, the level, the status and the source event's id, on the level's topic", () => {
    const source = orderEvent('VALIDATED');
    const now = new Date('2025-03-01T10:00:00.000Z');
    const eventId = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

    const routed = routedOrderEventSchema.parse(routedEvent(source, 'gold', { now, eventId }));

    assert.deepEqual(routed, {
      id: eventId,
      type: 'OrderRouted',
      occurredAt: now.toISOString(),
      source: 'notifications',
      orderId: source.orderId,
      customerId: source.customerId,
      level: 'gold',
      status: 'VALIDATED',
      causationId: source.id,
      order: source.order,
    });
  });

  test("the default prefix names the contract's topics; another prefix is used as given", () => {
    for (const level of customerLevels) {
      assert.equal(routedTopic(defaultRoutedTopicPrefix, level), ordersByLevelTopic(level));
    }
    assert.equal(routedTopic('test-routed-', 'gold'), 'test-routed-gold');
  });
});

describe('how long an event waits', () => {
  test('until its own occurredAt plus the grace period', () => {
    const event = orderEvent('CREATED', { at: new Date('2025-03-01T10:00:00.000Z') });
    assert.deepEqual(waitEndsAt(event, 5_000), new Date('2025-03-01T10:00:05.000Z'));
  });
});
