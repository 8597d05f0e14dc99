import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createFaultSwitch, type HttpOutage } from '@microshop/platform';
import { startService, waitUntil } from '@microshop/platform/testing';
import { createShipmentStore, openShipmentJournal } from '../src/store/shipments.ts';
import { bookingBody, postBooking, startReceiver, startSandbox } from './harness.ts';

// The carrier's bookings and pending callbacks outlive a restart; an operator's outage changes its
// answers and loses nothing.

const dataDir = mkdtempSync(join(tmpdir(), 'carrier-sandbox-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** A store read back from the journal in `dir`, as a (re)started process has it. */
function storeIn(t: { after(fn: () => unknown): void }, dir: string) {
  const journal = openShipmentJournal(dir);
  t.after(() => journal.close());
  return createShipmentStore(journal);
}

describe('after a restart', () => {
  test('a booking, its key and its pending delivery are still there: delivered and called back, a repeated booking replayed', async (t) => {
    const dir = join(dataDir, 'booked');
    const receiver = await startReceiver(t, () => 200);
    const reference = randomUUID();
    const before = await startSandbox(t, { deliveryDelayMs: 600_000 }, { store: storeIn(t, dir) });
    const booked = await postBooking(before, `shipment-${reference}`, bookingBody(reference, receiver.url));
    await before.stop(); // the process goes away with the delivery still due

    const restarted = await startSandbox(t, { deliveryDelayMs: 50 }, { store: storeIn(t, dir) });
    const again = await postBooking(restarted, `shipment-${reference}`, bookingBody(reference, receiver.url));

    assert.deepEqual([again.status, again.body.id], [200, booked.body.id]);
    await waitUntil('the delivery callback', () => receiver.received.length === 1);
    await waitUntil(
      'the acknowledgement',
      () => restarted.store.get(String(booked.body.id))?.callback.state === 'acknowledged',
    );
    assert.equal(restarted.store.byReference(reference).length, 1);
  });

  test('a callback not yet acknowledged is called back again', async (t) => {
    const dir = join(dataDir, 'callback');
    let receiverUp = false;
    const receiver = await startReceiver(t, () => (receiverUp ? 200 : 503));
    const before = await startSandbox(
      t,
      { deliveryDelayMs: 10, retry: { maxAttempts: 1_000, initialMs: 20, maxMs: 50 } },
      { store: storeIn(t, dir) },
    );
    const booked = await postBooking(before, 'k', bookingBody(randomUUID(), receiver.url));
    const id = String(booked.body.id);
    await waitUntil('a failed callback', () => before.store.get(id)?.callback.state === 'pending');
    await before.stop();
    receiverUp = true;

    const restarted = await startSandbox(t, {}, { store: storeIn(t, dir) });

    await waitUntil('the acknowledgement', () => restarted.store.get(id)?.callback.state === 'acknowledged');
    assert.equal(receiver.received.at(-1)?.answered, 200);
  });
});

describe("an operator's outage", () => {
  test('unavailable: bookings get a 503 problem, nothing is booked; after it they book as usual', async (t) => {
    const faults = createFaultSwitch<HttpOutage>();
    const sandbox = await startSandbox(t, {}, { faults });
    faults.start({ mode: 'unavailable', status: 503 });
    const reference = randomUUID();

    const refused = await postBooking(sandbox, 'k-outage', bookingBody(reference));
    assert.deepEqual(
      [refused.status, refused.headers.get('content-type')],
      [503, 'application/problem+json; charset=utf-8'],
    );
    assert.equal(refused.body.code, 'UPSTREAM_UNAVAILABLE');
    assert.equal(sandbox.store.byReference(reference).length, 0);

    faults.stop();
    assert.equal((await postBooking(sandbox, 'k-outage', bookingBody(reference))).status, 201);
  });
});

test('the process keeps its bookings in DATA_DIR across a restart', async (t) => {
  const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const env = { DATA_DIR: join(dataDir, 'process'), LOG_LEVEL: 'warn' };
  const reference = randomUUID();
  const book = (base: string) =>
    fetch(`${base}/v1/shipments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `shipment-${reference}` },
      body: JSON.stringify(bookingBody(reference)),
    });
  const first = await startService(mainFile, env, t);
  const made = (await (await book(first.base)).json()) as { id: string };
  assert.equal(await first.stop(), 0, first.output.join(''));

  const second = await startService(mainFile, env, t);
  const replayed = await book(second.base);
  const listed = (await (await fetch(`${second.base}/v1/shipments?reference=${reference}`)).json()) as {
    shipments: { id: string }[];
  };
  assert.equal(await second.stop(), 0, second.output.join(''));

  assert.equal(replayed.status, 200);
  assert.deepEqual(
    listed.shipments.map((s) => s.id),
    [made.id],
  );
});
