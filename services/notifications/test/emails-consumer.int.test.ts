import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEventConsumer, createProducer } from '@microshop/platform';
import {
  createTestTopics,
  eventually,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { startMailSender } from '../src/tasks/mail-sender.ts';
import {
  customerRegistered,
  newOrder,
  paymentSucceeded,
  shipmentDispatched,
  statusEvent,
  uniqueAddress,
} from './email-fixtures.ts';
import { emailTestBed, logger } from './email-harness.ts';

const bootstrapServers = testKafkaBootstrapServers();
const bed = await emailTestBed('notifications_emails_consumer');

test('order, customer, payment and shipment events consumed from Kafka become one email per status, the tracking number awaited', async (t) => {
  const [orders, customers, payments, shipments, deadLetter] = await createTestTopics(
    t,
    ['orders', 'customers', 'payments', 'shipments', 'dlq'].map((name) =>
      uniqueTopic(`notifications-emails-${name}`),
    ),
    bootstrapServers,
  );
  assert.ok(orders && customers && payments && shipments && deadLetter);
  const producer = createProducer({ bootstrapServers, clientId: 'notifications-emails-test', logger });
  t.after(() => producer.close());
  const sender = startMailSender({ ...bed.senderOptions(), intervalMs: 1_000 });
  t.after(() => sender.stop());
  const groupId = uniqueGroup('notifications-emails');
  const tries = new Map<string, number>(); // event id → handler calls
  const handle = bed.handler({
    consumer: groupId,
    topics: { orderEvents: orders, customers, payments, shipments },
    onCommitted: (progress) => progress.emails.length > 0 && sender.wake(),
  });
  const consumer = createEventConsumer({
    bootstrapServers,
    groupId,
    clientId: 'notifications-emails-test',
    topics: [customers, payments, shipments, orders],
    logger,
    handle: (message, context) => {
      tries.set(message.eventId ?? '', context.attempt);
      return handle(message, context);
    },
    deadLetter: { topic: deadLetter, producer },
  });
  t.after(() => consumer.stop());

  const order = newOrder();
  const to = uniqueAddress('consumed');
  const customer = customerRegistered(order, to);
  const approved = statusEvent(order, 'APPROVED');
  const shipped = statusEvent(order, 'SHIPPED');
  // As Debezium publishes them: the event id in header `id`; order events keyed by customer, the rest by order.
  const published = (topic: string, key: string, event: { id: string }) => ({
    topic,
    key,
    value: event,
    headers: { id: event.id },
  });
  await producer.send([
    published(customers, order.customerId, customer),
    published(payments, order.orderId, paymentSucceeded(order, 5999)),
    published(orders, order.customerId, approved),
    published(orders, order.customerId, shipped),
  ]);
  await consumer.start();
  await eventually('the SHIPPED event to be parked, waiting for its tracking number', async () => {
    const parked = await bed.db.pool.query(
      "SELECT 1 FROM parked_events WHERE event_id = $1 AND awaiting = 'tracking'",
      [shipped.id],
    );
    return parked.rowCount === 1;
  });
  await producer.send([
    published(shipments, order.orderId, shipmentDispatched(order, 'SBX-777', 'Sandbox Parcel')),
  ]);

  const received = await eventually('both emails received', async () => {
    const mails = bed.received(to);
    return mails.length >= 2 ? mails : null;
  });
  await new Promise((resolve) => setTimeout(resolve, 300)); // nothing else may follow

  assert.deepEqual(
    bed
      .received(to)
      .map((mail) => mail.subject)
      .sort(),
    ['Your order is confirmed', 'Your order is on its way'],
  );
  const text = (subject: string) => received.find((mail) => mail.subject === subject)?.text ?? '';
  assert.match(text('Your order is confirmed'), /We have charged 59\.99 EUR\./);
  assert.match(text('Your order is on its way'), /Tracking number: SBX-777/);
  assert.equal(tries.get(shipped.id), 1, 'the SHIPPED event was handled once, not retried');
});
