import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProducer } from '@microshop/platform';
import {
  createTestTopics,
  eventually,
  startServiceProcess,
  testKafkaBootstrapServers,
  uniqueTopic,
  withDecodingSlot,
} from '@microshop/platform/testing';
import { startSmtpSink } from '../../mail-sink/src/handlers/smtp.ts';
import { createMailbox } from '../../mail-sink/src/store/mailbox.ts';
import { customerEvent, orderEvent } from './fixtures.ts';
import { logger, migratedSchema } from './harness.ts';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const bootstrapServers = testKafkaBootstrapServers();
// Migrated here so the WAL slot can be opened before the process writes its first outbox row.
const db = await migratedSchema('notifications_main');

test('the process starts ready, routes an order from Kafka by its customer level, routes a parked orphan after its wait, emails the customer and stops cleanly', async (t) => {
  // The process publishes its schema's outbox, so on the test stack Debezium really sends the routed
  // event: its topic must exist, and be this test's own.
  const routedPrefix = `${uniqueTopic('notifications-main-routed')}-`;
  await createTestTopics(t, [`${routedPrefix}silver`, `${routedPrefix}bronze`], bootstrapServers);
  const mailbox = createMailbox({ capacity: 100 });
  const sink = await startSmtpSink({ mailbox, port: 0, logger, maxMessageBytes: 1024 * 1024 });
  t.after(() => sink.close());
  const { service, topics } = await startServiceProcess(mainFile, t, {
    name: 'notifications-main',
    schema: db,
    topics: {
      ORDER_EVENTS_TOPIC: 'orders',
      CUSTOMERS_TOPIC: { suffix: 'customers', compacted: true },
      PAYMENTS_TOPIC: 'payments',
      SHIPMENTS_TOPIC: 'shipments',
      DEAD_LETTER_TOPIC: 'dlq',
    },
    env: {
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      ROUTED_TOPIC_PREFIX: routedPrefix,
      REFERENCE_GRACE_MS: '1000',
    },
  });
  const { ORDER_EVENTS_TOPIC: ordersTopic, CUSTOMERS_TOPIC: customersTopic } = topics;
  const producer = createProducer({ bootstrapServers, clientId: 'notifications-main-test', logger });
  t.after(() => producer.close());

  await withDecodingSlot(db, async (readInserts) => {
    const customer = customerEvent('silver');
    const created = orderEvent('CREATED', { customerId: customer.customerId });
    await producer.send([
      { topic: customersTopic, key: customer.customerId, value: customer, headers: { id: customer.id } },
      { topic: ordersTopic, key: created.customerId, value: created, headers: { id: created.id } },
    ]);

    const routed = await eventually('the routed order in the outbox', async () =>
      (await readInserts()).find((insert) => insert.key === created.orderId),
    );
    assert.equal(routed.topic, `${routedPrefix}silver`);

    // A customer who never comes: parked, then routed bronze by the parked-events loop after the second of grace.
    const orphan = orderEvent('CREATED');
    await producer.send([
      { topic: ordersTopic, key: orphan.customerId, value: orphan, headers: { id: orphan.id } },
    ]);
    const fallback = await eventually('the orphan order routed after its wait', async () =>
      (await readInserts()).find((insert) => insert.key === orphan.orderId),
    );
    assert.equal(fallback.topic, `${routedPrefix}bronze`);

    const approved = orderEvent('APPROVED', { customerId: customer.customerId, orderId: created.orderId });
    await producer.send([
      { topic: ordersTopic, key: approved.customerId, value: approved, headers: { id: approved.id } },
    ]);
    const [email] = await eventually('the APPROVED email at the SMTP sink', async () => {
      const emails = mailbox.list({ subject: 'confirmed' });
      return emails.length > 0 ? emails : null;
    });
    assert.equal(email?.to[0], customer.customer.email);
    assert.equal(email?.messageId, `<${created.orderId}.APPROVED@microshop>`);
  });

  assert.equal(await service.stop(), 0, service.output.join(''));
  assert.match(service.output.join(''), /"msg":"service stopped"/);
});
