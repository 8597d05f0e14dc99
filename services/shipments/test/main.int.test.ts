import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { shipmentSchema } from '@microshop/contracts';
import { createProducer } from '@microshop/platform';
import {
  eventually,
  fetchJson,
  startService,
  startServiceProcess,
  withDecodingSlot,
} from '@microshop/platform/testing';
import { orderEvent } from './fixtures.ts';
import { issuer, logger } from './harness.ts';

// Both processes as the stack runs them: `node services/carrier-sandbox/src/main.ts` and
// `node services/shipments/src/main.ts`, wired by environment only.

const shipmentsMain = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const sandboxMain = fileURLToPath(new URL('../../carrier-sandbox/src/main.ts', import.meta.url));

test('the processes start ready, book an approved order from Kafka, take the delivery callback and stop cleanly on SIGTERM', async (t) => {
  const secret = 'main-test-webhook-secret';
  const sandbox = await startService(
    sandboxMain,
    { CARRIER_DELIVERY_DELAY_MS: '300', CARRIER_WEBHOOK_SECRETS: secret, INSTANCE_ID: 'carrier-sandbox' },
    t,
  );
  const {
    service: shipments,
    db,
    topics,
    bootstrapServers,
  } = await startServiceProcess(shipmentsMain, t, {
    name: 'shipments-main',
    topics: { ORDER_EVENTS_TOPIC: 'orders', DEAD_LETTER_TOPIC: 'dlq' },
    issuer,
    env: {
      UPSTREAM_CARRIER_SANDBOX: sandbox.base,
      // Mid-rotation: the carrier still signs with the old secret, which shipments still accepts.
      CARRIER_WEBHOOK_SECRETS: `the-rotated-in-webhook-secret,${secret}`,
    },
  });
  const eventsTopic = topics.ORDER_EVENTS_TOPIC;
  const producer = createProducer({ bootstrapServers, clientId: 'shipments-main-test', logger });
  t.after(() => producer.close());
  const approved = orderEvent('APPROVED');

  const types = await withDecodingSlot(db, async (readInserts) => {
    await producer.send([
      { topic: eventsTopic, key: approved.customerId, value: approved, headers: { id: approved.id } },
    ]);
    const url = `${shipments.base}/api/v1/shipments?orderId=${approved.orderId}`;
    const owner = (await issuer.customer(approved.customerId)).headers;
    const delivered = await eventually('the shipment to be delivered', async () => {
      const answer = (await fetchJson(url, owner))?.body as { shipments?: unknown[] } | undefined;
      const shipment = shipmentSchema.safeParse(answer?.shipments?.[0]);
      return shipment.success && shipment.data.status === 'DELIVERED' ? shipment.data : null;
    });
    assert.match(String(delivered.trackingNumber), /^MS\d+$/);
    return (await readInserts()).map((insert) => insert.type);
  });

  assert.deepEqual(types, ['ShipmentDispatched', 'ShipmentDelivered']);
  const bookings = (await fetchJson(`${sandbox.base}/v1/shipments?reference=${approved.orderId}`))?.body;
  assert.equal((bookings as { shipments: unknown[] }).shipments.length, 1);
  assert.equal(await shipments.stop(), 0, shipments.output.join(''));
  assert.equal(await sandbox.stop(), 0, sandbox.output.join(''));
});
