import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OrderStatus } from '@microshop/contracts';
import type { OrderFacts } from '../src/domain/emails.ts';
import {
  decide,
  evolve,
  type ForwardingEvent,
  type ForwardingRules,
  type ForwardingState,
} from '../src/domain/forwarding.ts';
import { newOrder, statusEvent } from './email-fixtures.ts';

const ids = newOrder();
const at = new Date('2025-03-01T10:00:00.000Z');
const noFacts: OrderFacts = { charged: null, refunded: null, tracking: null, approved: false };
const customer = { level: 'gold' as const, name: 'Ann Smith', email: 'ann@example.com' };
const known: ForwardingState = { routed: false, customer, emailQueued: false, facts: noFacts };
const grace = { customerMs: 5_000, trackingMs: 10_000, refundMs: 10_000 };
const rules: ForwardingRules = {
  routing: { graceMs: 5_000, topicPrefix: 'microshop.orders-' },
  emails: { grace },
};

/** What taking the status's event forward `afterMs` after it happened decides. */
function forward(status: OrderStatus, state: ForwardingState, afterMs = 0, given = rules): ForwardingEvent[] {
  const event = statusEvent(ids, status, { at });
  const now = new Date(at.getTime() + afterMs);
  return decide({ type: 'TakeForward', event, now, routedEventId: 'routed-1' }, state, given);
}

const types = (events: ForwardingEvent[]) => events.map((event) => event.type);

describe('taking an order event forward', () => {
  test("a known customer's order is routed to its level's topic, then gets its email", () => {
    const events = forward('APPROVED', known);

    assert.deepEqual(types(events), ['OrderRouted', 'EmailQueued']);
    const [routed, email] = events;
    assert.ok(routed?.type === 'OrderRouted' && email?.type === 'EmailQueued');
    assert.equal(routed.topic, 'microshop.orders-gold');
    assert.equal(routed.fallback, false);
    assert.deepEqual(
      { id: routed.routed.id, level: routed.routed.level, status: routed.routed.status },
      { id: 'routed-1', level: 'gold', status: 'APPROVED' },
    );
    assert.equal(email.to, 'ann@example.com');
    assert.equal(email.messageId, `<${ids.orderId}.APPROVED@microshop>`);
  });

  test('an unknown customer: the young event waits (nothing routed, no email); after the grace period it goes bronze', () => {
    const unknown = { ...known, customer: null };

    assert.deepEqual(forward('APPROVED', unknown, 1_000), [
      {
        type: 'WaitStarted',
        awaiting: 'customer',
        deadlineAt: new Date(at.getTime() + 5_000),
        routed: false,
      },
    ]);
    const late = forward('APPROVED', unknown, 5_000);
    assert.deepEqual(types(late), ['OrderRouted', 'EmailSkipped']);
    assert.ok(
      late[0]?.type === 'OrderRouted' && late[0].fallback && late[0].topic === 'microshop.orders-bronze',
    );
    assert.deepEqual(late[1], { type: 'EmailSkipped', status: 'APPROVED', why: 'no-recipient' });
  });

  test('a routed event whose email waits says so, routed; taken up again it is not routed twice', () => {
    const shipped = forward('SHIPPED', known);
    assert.deepEqual(types(shipped), ['OrderRouted', 'WaitStarted']);
    assert.deepEqual(shipped[1], {
      type: 'WaitStarted',
      awaiting: 'tracking',
      deadlineAt: new Date(at.getTime() + 10_000),
      routed: true,
    });

    const afterRouting = shipped.reduce(evolve, known);
    const tracking = { trackingNumber: 'SBX-1', carrier: 'Sandbox Parcel' };
    assert.deepEqual(types(forward('SHIPPED', { ...afterRouting, facts: { ...noFacts, tracking } })), [
      'EmailQueued',
    ]);
  });

  test('a status without an email, an email already queued, and routing alone route only', () => {
    assert.deepEqual(types(forward('CREATED', known)), ['OrderRouted']);
    assert.deepEqual(types(forward('APPROVED', { ...known, emailQueued: true })), ['OrderRouted']);
    assert.deepEqual(types(forward('APPROVED', known, 0, { routing: rules.routing })), ['OrderRouted']);
  });

  test('an event a month old is routed and still gets its email (a late replay sends what it owes)', () => {
    assert.deepEqual(types(forward('DELIVERED', known, 30 * 86_400_000)), ['OrderRouted', 'EmailQueued']);
  });

  test('evolve: routed after OrderRouted, the email queued after EmailQueued, nothing else changes', () => {
    const [routed, email] = forward('APPROVED', known);
    assert.ok(routed && email);
    assert.deepEqual(evolve(known, routed), { ...known, routed: true });
    assert.deepEqual(evolve(known, email), { ...known, emailQueued: true });
    const [wait] = forward('APPROVED', { ...known, customer: null });
    assert.ok(wait);
    assert.equal(evolve(known, wait), known);
  });
});
