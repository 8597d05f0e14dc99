import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { consumedMessage } from '@microshop/platform/testing';
import {
  customerRegistered,
  newOrder,
  paymentRefunded,
  paymentSucceeded,
  shipmentDispatched,
  statusEvent,
  uniqueAddress,
} from './email-fixtures.ts';
import {
  asOperator,
  capturingLogger,
  context,
  emailTestBed,
  grace,
  issuer,
  mailFrom,
  topics,
} from './email-harness.ts';

// Customer emails from order events to a real SMTP server (the mail-sink, in-process), through the
// handler, the emails table and the sender, on a real PostgreSQL.

const bed = await emailTestBed('notifications_emails');

interface Notification {
  orderStatus: string;
  status: string;
  attempts: number;
  messageId: string;
  to: string;
  sentAt: string | null;
}

async function notificationsOf(orderId: string): Promise<Notification[]> {
  const response = await bed.app.inject({
    method: 'GET',
    url: `/api/v1/notifications?orderId=${orderId}`,
    headers: asOperator,
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().notifications;
}

describe('customer emails', () => {
  test('an APPROVED order gets exactly one email with the amount charged, however often it is announced', async () => {
    const order = newOrder();
    const to = uniqueAddress('approved');
    const approved = statusEvent(order, 'APPROVED');
    await bed.deliver(customerRegistered(order, to), paymentSucceeded(order, 123456), approved);
    await bed.deliver(approved); // redelivered: the inbox skips it
    await bed.deliver({ ...approved, id: crypto.randomUUID() }); // the same status announced again
    await bed.sendNow();
    await bed.sendNow();

    const [email, ...others] = bed.received(to);
    assert.equal(others.length, 0);
    assert.equal(email?.subject, 'Your order is confirmed');
    assert.equal(email?.from, mailFrom);
    assert.equal(email?.messageId, `<${order.orderId}.APPROVED@microshop>`);
    assert.match(email?.text ?? '', /^Hello Ann Smith,/);
    assert.match(email?.text ?? '', /We have charged 1234\.56 EUR\./);
    const [row, ...moreRows] = await notificationsOf(order.orderId);
    assert.equal(moreRows.length, 0);
    assert.deepEqual(
      { status: row?.status, orderStatus: row?.orderStatus, attempts: row?.attempts, to: row?.to },
      { status: 'SENT', orderStatus: 'APPROVED', attempts: 1, to },
    );
    assert.ok(row?.sentAt);
  });

  test('CREATED and VALIDATED events get no email', async () => {
    const order = newOrder();
    const to = uniqueAddress('quiet');
    await bed.deliver(
      customerRegistered(order, to),
      statusEvent(order, 'CREATED'),
      statusEvent(order, 'VALIDATED'),
    );
    await bed.sendNow();

    assert.deepEqual(await notificationsOf(order.orderId), []);
    assert.deepEqual(bed.received(to), []);
  });

  test('SHIPPED is parked waiting for the tracking number, then the dispatch queues its email naming it', async () => {
    const order = newOrder();
    const to = uniqueAddress('shipped');
    const shipped = statusEvent(order, 'SHIPPED');
    await bed.deliver(customerRegistered(order, to));

    await bed.deliver(shipped);
    assert.deepEqual(await notificationsOf(order.orderId), []);
    const parked = await bed.db.pool.query('SELECT routed, awaiting FROM parked_events WHERE event_id = $1', [
      shipped.id,
    ]);
    assert.deepEqual(
      parked.rows,
      [{ routed: true, awaiting: 'tracking' }],
      'routed already, the email waits',
    );

    await bed.deliver(shipmentDispatched(order, 'SBX-000123', 'Sandbox Parcel'));
    await bed.sendNow();

    const [email, ...others] = bed.received(to);
    assert.equal(others.length, 0);
    assert.equal(email?.subject, 'Your order is on its way');
    assert.match(email?.text ?? '', /Carrier: Sandbox Parcel\nTracking number: SBX-000123/);
  });

  test('SHIPPED whose tracking number never comes is sent without it after the grace period, with a warning', async () => {
    const order = newOrder();
    const to = uniqueAddress('untracked');
    const shipped = statusEvent(order, 'SHIPPED', { at: new Date(Date.now() - grace.trackingMs) });
    const { log, lines } = capturingLogger();
    await bed.deliver(customerRegistered(order, to));

    await bed.handler()(consumedMessage(shipped, { topic: topics.orderEvents }), context(log));
    await bed.sendNow();

    assert.match(bed.received(to)[0]?.text ?? '', /tracking number was not available/);
    assert.ok(
      lines.some((line) => line.includes('without its tracking') && line.includes(order.orderId)),
      lines.join(''),
    );
  });

  test('FAILED explains the reasons in words, not in the internal wording', async () => {
    const order = newOrder();
    const to = uniqueAddress('failed');
    const reasons = [
      'INVENTORY: insufficient stock: JUMPERS (requested 3, available 1)',
      'card declined: do_not_honor',
    ];
    await bed.deliver(customerRegistered(order, to), statusEvent(order, 'FAILED', { reasons }));
    await bed.sendNow();

    const text = bed.received(to)[0]?.text ?? '';
    assert.match(text, /We do not have enough in stock of JUMPERS \(you asked for 3, we have 1\)\./);
    assert.match(text, /Your card was declined\./);
    assert.doesNotMatch(text, /INVENTORY|do_not_honor/);
  });

  test('CANCELLED of a paid order waits for the refund and names its amount', async () => {
    const order = newOrder();
    const to = uniqueAddress('cancelled');
    const cancelled = statusEvent(order, 'CANCELLED');
    await bed.deliver(customerRegistered(order, to), paymentSucceeded(order, 5999));

    await bed.deliver(cancelled);
    assert.deepEqual(await notificationsOf(order.orderId), [], 'parked, waiting for the refund');
    await bed.deliver(paymentRefunded(order, 5999));
    await bed.sendNow();

    const [email] = bed.received(to);
    assert.equal(email?.subject, 'Your order has been cancelled');
    assert.match(email?.text ?? '', /We have refunded 59\.99 EUR to your original payment method\./);
  });

  test('an order id that is not a uuid is a 400 on the notifications route', async () => {
    const response = await bed.app.inject({
      method: 'GET',
      url: '/api/v1/notifications?orderId=nope',
      headers: asOperator,
    });
    assert.equal(response.statusCode, 400);
  });

  test("an order's emails are its customer's to read: another customer sees none, as for an unknown order", async () => {
    const order = newOrder();
    const to = uniqueAddress('private');
    await bed.deliver(
      customerRegistered(order, to),
      paymentSucceeded(order, 5999),
      statusEvent(order, 'APPROVED'),
    );
    const read = async (customerId?: string) => {
      const headers = customerId === undefined ? {} : (await issuer.customer(customerId)).headers;
      const url = `/api/v1/notifications?orderId=${order.orderId}`;
      return bed.app.inject({ method: 'GET', url, headers });
    };

    assert.equal((await read(order.customerId)).json().notifications.length, 1);
    assert.deepEqual((await read(randomUUID())).json(), { orderId: order.orderId, notifications: [] });
    assert.equal((await read()).statusCode, 401);
  });
});
