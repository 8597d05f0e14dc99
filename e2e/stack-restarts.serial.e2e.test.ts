// PostgreSQL, the Kafka broker and Kafka Connect each SIGKILLed (like a crash, outside the stack's
// tooling) in the middle of a stream of checkouts: the stack's supervisor starts the part again (and,
// after PostgreSQL and Connect, the change-data capture runs again), no dead letter is written, and
// every order accepted around the crash still ships: an outage delays orders, it never fails them.
// The test runs with `npm start`'s deadlines (the test stack's seconds are shorter than a JVM's
// restart). The watchdog's deadlines do not count the time events did not flow
// (docs/operations.md#deadlines): Kafka Connect frozen for longer than the CREATED deadline, with
// orders placed meanwhile, proves it.
// Runs alone (".serial."): each crash stalls the whole test stack.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { settingsOfNpmStart } from '../bench/chaos/deadlines.ts';
import { api, eventually, type OrderBody } from './lib/api.ts';
import {
  cdcRunning,
  crash,
  deadLettersSince,
  freeze,
  restartedByStack,
  restartStrandedConsumers,
  withServiceSettings,
} from './lib/crash.ts';
import { awaitStatus, describeOrder, newShopper, placeOrder, type Shopper } from './lib/shop.ts';

const shipped = ['SHIPPED', 'DELIVERED'];
const createdDeadlineMs = Number(settingsOfNpmStart['order-background']?.WATCHDOG_CREATED_DEADLINE_MS);
const ended = [...shipped, 'FAILED', 'CANCELLED'];

/** Places the shopper's order, asking again until the API accepts it (it may refuse during the outage). */
async function placeUntilAccepted(shopper: Shopper): Promise<string> {
  return eventually(
    'the order accepted',
    async () => {
      const res = await api<OrderBody>('POST', '/api/v1/orders', {
        body: {
          customerId: shopper.customer.id,
          items: [shopper.line(1)],
          currency: 'EUR',
          payment: { token: 'tok_visa' },
        },
      }).catch(() => undefined);
      if (res?.status === 201) return res.body.id;
      await sleep(500);
      return undefined;
    },
    180_000,
  );
}

async function awaitEnd(orderId: string): Promise<OrderBody> {
  return eventually(
    `order ${orderId} to end`,
    () => awaitStatus(orderId, ended, { timeoutMs: 20_000 }),
    240_000,
  );
}

/**
 * Orders before, during and after an outage of `part`; each must ship, and no dead letter appears.
 * `outage` begins it and resolves once the part runs again.
 */
async function checkoutAcross(
  part: string,
  outage: () => Promise<void>,
  options: { cdc: boolean },
  t: { diagnostic(m: string): void },
) {
  const startedAt = Date.now();
  const shoppers = await Promise.all(
    Array.from({ length: 6 }, () => newShopper(`E2E-CRASH-${part.toUpperCase()}`, { stock: 3 })),
  );
  const before = await Promise.all(shoppers.slice(0, 2).map((s) => placeOrder(s.customer.id, [s.line(1)])));
  const crashedAt = Date.now();
  const back = outage();
  const during = Promise.all(shoppers.slice(2, 4).map(placeUntilAccepted));
  await back;
  if (options.cdc) await cdcRunning();
  t.diagnostic(`${part} back ${Date.now() - crashedAt} ms after the outage began`);
  const after = await Promise.all(shoppers.slice(4).map(placeUntilAccepted));
  const ids = [...before.map((o) => o.id), ...(await during), ...after];
  const orders = await Promise.all(ids.map(awaitEnd));
  t.diagnostic(`all ${orders.length} orders ended ${Date.now() - crashedAt} ms after the crash`);
  for (const order of orders)
    assert.ok(shipped.includes(order.status), `order ${order.id} shipped: ${describeOrder(order)}`);
  await sleep(3000); // a dead letter is indexed by the operations service a moment after it is written
  const deadLetters = await deadLettersSince(startedAt);
  assert.deepEqual(
    deadLetters.map((d) => `${d.group} ${d.origin.topic} ${d.code}: ${d.error}`),
    [],
    'no dead letter',
  );
}

/** A SIGKILL of the part; resolves once the stack's supervisor has started it again. */
const crashed = (part: string) => async () => {
  await restartedByStack(part, crash(part));
};

const checkoutAcrossCrash = (part: string, options: { cdc: boolean }, t: { diagnostic(m: string): void }) =>
  checkoutAcross(part, crashed(part), options, t);

describe('the stack recovers from a crash of its infrastructure by itself', () => {
  let restoreDeadlines = async () => {};
  before(async () => {
    restoreDeadlines = await withServiceSettings(settingsOfNpmStart);
  });
  after(async () => {
    await restoreDeadlines();
    await restartStrandedConsumers();
  });

  it(
    'PostgreSQL SIGKILLed mid-checkout: started again, every order ships, no dead letter',
    { timeout: 600_000 },
    (t) => checkoutAcrossCrash('postgres', { cdc: true }, t),
  );

  it(
    'the Kafka broker SIGKILLed mid-checkout: started again, every order ships, no dead letter',
    { timeout: 600_000 },
    (t) => checkoutAcrossCrash('kafka', { cdc: false }, t),
  );

  it(
    'Kafka Connect SIGKILLed mid-checkout: started again, the connector runs, every order ships, no dead letter',
    { timeout: 600_000 },
    (t) => checkoutAcrossCrash('connect', { cdc: true }, t),
  );

  it(
    'Kafka Connect frozen for longer than the CREATED deadline: the deadlines wait, every order ships',
    { timeout: 600_000 },
    (t) => checkoutAcross('connect', () => freeze('connect', createdDeadlineMs + 20_000), { cdc: true }, t),
  );
});
