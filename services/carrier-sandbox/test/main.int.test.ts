import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startService } from '@microshop/platform/testing';
import { bookingBody } from './harness.ts';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));

test('the process starts ready, books over real HTTP and stops cleanly on SIGTERM', async (t) => {
  const service = await startService(mainFile, { INSTANCE_ID: 'carrier-sandbox', LOG_LEVEL: 'warn' }, t);
  const reference = randomUUID();

  const answer = await fetch(`${service.base}/v1/shipments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `shipment-${reference}` },
    body: JSON.stringify(bookingBody(reference)),
  });

  assert.equal(answer.status, 201);
  assert.equal(((await answer.json()) as { reference: string }).reference, reference);
  // The pending delivery (5 s by default) must not hold the process up.
  assert.equal(await service.stop(), 0, service.output.join(''));
});

test('a bad configuration stops the start, naming the variable', async (t) => {
  await assert.rejects(
    startService(mainFile, { CARRIER_DELIVERY_DELAY_MS: 'soon', LOG_LEVEL: 'warn' }, t, {
      readyTimeoutMs: 10_000,
    }),
    /CARRIER_DELIVERY_DELAY_MS/,
  );
});
