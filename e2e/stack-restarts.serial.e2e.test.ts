// PostgreSQL, the Kafka broker and Kafka Connect each SIGKILLed (like a crash, outside the stack's
// tooling) in the middle of a stream of checkouts: the stack's supervisor starts the part again (and,
// after PostgreSQL and Connect, the change-data capture runs again), no dead letter is written, and
// every order accepted around the crash still ships: an outage delays orders, it never fails them.
// "Delays, never fails" holds for an outage shorter than the watchdog's deadlines (an order still
// waiting at its deadline is failed by design; docs/operations.md#deadlines): the test runs with
// deadlines of five minutes (the watchdog's, and payments' grace for a card token whose order it has
// not heard of), above a JVM's restart on a loaded 2-core machine (a Kafka broker took 50–65 s
// there; `npm start`'s CREATED deadline is 60 s), not the test stack's seconds.
// Runs alone (".serial."): each crash stalls the whole test stack.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { api, eventually, type OrderBody } from './lib/api.ts';
import {
  cdcRunning,
  crash,
  deadLettersSince,
  restartedByStack,
  restartStrandedConsumers,
  withServiceSettings,
} from './lib/crash.ts';
import { awaitStatus, describeOrder, newShopper, placeOrder, type Shopper } from './lib/shop.ts';

const shipped = ['SHIPPED', 'DELIVERED'];
const outlastingRestarts = {
  'order-background': {
    WATCHDOG_CREATED_DEADLINE_MS: '300000',
    WATCHDOG_VALIDATED_DEADLINE_MS: '300000',
    WATCHDOG_APPROVED_DEADLINE_MS: '600000',
  },
  // A card token is kept for an order payments has not heard of yet at least as long as CREATED lasts.
  payments: { PAYMENT_METHOD_GRACE_MS: '300000' },
};
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

/** Orders before, during and after a crash of `part`; each must ship, and no dead letter appears. */
async function checkoutAcrossCrash(
  part: string,
  options: { cdc: boolean },
  t: { diagnostic(m: string): void },
) {
  const startedAt = Date.now();
  const shoppers = await Promise.all(
    Array.from({ length: 6 }, () => newShopper(`E2E-CRASH-${part.toUpperCase()}`, { stock: 3 })),
  );
  const before = await Promise.all(shoppers.slice(0, 2).map((s) => placeOrder(s.customer.id, [s.line(1)])));
  const crashedPid = crash(part);
  const crashedAt = Date.now();
  const during = Promise.all(shoppers.slice(2, 4).map(placeUntilAccepted));
  await restartedByStack(part, crashedPid);
  if (options.cdc) await cdcRunning();
  t.diagnostic(`${part} back ${Date.now() - crashedAt} ms after the crash`);
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

describe('the stack recovers from a crash of its infrastructure by itself', () => {
  let restoreDeadlines = async () => {};
  before(async () => {
    restoreDeadlines = await withServiceSettings(outlastingRestarts);
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
});
