import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { type OrderEvent, sandboxTokens } from '@microshop/contracts';
import { createConsumerTestBed, eventually } from '@microshop/platform/testing';
import { createOrderEventHandler } from '../src/handlers/order-events.ts';
import { newOrder, orderEvent } from './fixtures.ts';
import {
  httpProvider,
  logger,
  migratedSchema,
  outboxWindow,
  paymentDeps,
  registerCardTokens,
  startSandbox,
} from './harness.ts';

const db = await migratedSchema('payments_consumer');
const sandbox = await startSandbox({ slowMs: 600, errorTimes: 2 });
const published = await outboxWindow(db);

test('order events consumed from Kafka, with a duplicate and a flaky card, charge each order once', async (t) => {
  const bed = await createConsumerTestBed(t, { prefix: 'payments-order-outbox', logger, partitions: 3 });
  // As Debezium's Outbox Event Router publishes them: key = customer id, header `id` = event id.
  const asPublished = (event: OrderEvent) => ({
    topic: bed.topic,
    key: event.customerId,
    value: event,
    headers: { id: event.id },
  });
  const paid = newOrder(1500);
  const flaky = newOrder(2500);
  const cancelled = newOrder(3500);
  const paidValidated = orderEvent(paid, 'VALIDATED');
  const events = [
    orderEvent(paid, 'CREATED'),
    paidValidated,
    paidValidated,
    orderEvent(flaky, 'CREATED', { token: sandboxTokens.flaky }),
    orderEvent(flaky, 'VALIDATED'),
    orderEvent(cancelled, 'CREATED'),
    orderEvent(cancelled, 'VALIDATED'),
    orderEvent(cancelled, 'CANCELLED'),
    { ...orderEvent(newOrder(), 'SHIPPED'), id: randomUUID() },
  ];
  const deps = paymentDeps(db, httpProvider(sandbox.url), bed.groupId);
  await registerCardTokens(deps, events);
  await bed.producer.send(events.map(asPublished));

  await bed.consume(createOrderEventHandler(deps));

  const typesOf = async (orderId: string) => (await published(orderId)).map((e) => e.payload.type);
  const seen = new Map<string, string[]>();
  await eventually('the payment events of all three orders', async () => {
    for (const order of [paid, flaky, cancelled]) seen.set(order.orderId, await typesOf(order.orderId));
    return [...seen.values()].every((types) => types.length > 0) && seen.get(cancelled.orderId)?.length === 2;
  });
  assert.deepEqual(seen.get(paid.orderId), ['PaymentSucceeded']);
  assert.deepEqual(seen.get(flaky.orderId), ['PaymentSucceeded']);
  assert.deepEqual(seen.get(cancelled.orderId), ['PaymentSucceeded', 'PaymentRefunded']);
  for (const order of [paid, flaky, cancelled]) {
    assert.equal((await sandbox.charges(order.orderId)).length, 1, `one charge for order ${order.orderId}`);
  }
  await eventually('every offset committed', async () => (await bed.lag()) === 0n);
});
