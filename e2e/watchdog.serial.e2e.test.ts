// The watchdog of order-background, end to end: with the validation aggregator down, an order gets
// no decision and stays CREATED; past the test stack's deadline (WATCHDOG_CREATED_DEADLINE_MS = 15 s)
// the watchdog's ExpireOrder command fails it with reason TIMEOUT and its reservation is released.
// When the aggregator comes back and validates it, the late decision changes nothing: the order
// stays FAILED and nothing is charged. Runs alone (".serial."): it stops a service.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topics } from '@microshop/contracts';
import { api, eventually, type OrderBody } from './lib/api.ts';
import { decisionsOf, groupsCaughtUp } from './lib/kafka.ts';
import { reservationStates, sandboxCharges } from './lib/saga.ts';
import { getProduct, newShopper, placeOrder } from './lib/shop.ts';
import { instancesOf, leaveRunning, restartInstance, stopPartOfStack, theInstanceOf } from './lib/stack.ts';

describe('the watchdog', () => {
  it('fails an order stuck in CREATED with reason TIMEOUT, and a late validation decision changes nothing', async () => {
    const aggregators = instancesOf('validation-aggregator');
    for (const aggregator of aggregators) await stopPartOfStack(aggregator.part);
    try {
      // A registered customer and a sku in stock: the aggregator's late decision will be VALIDATED.
      const shopper = await newShopper('E2E-WATCHDOG', { stock: 3 });
      const order = await placeOrder(shopper.customer.id, [shopper.line(1)]);
      const res = await api<OrderBody>('GET', `/api/v1/orders/${order.id}?waitFor=FAILED&timeout=30000`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, 'FAILED');
      assert.deepEqual(res.body.reasons, ['TIMEOUT']);

      for (const aggregator of aggregators) await restartInstance(aggregator);
      // The aggregator catches up and decides on the three results it missed …
      const decision = await eventually('the aggregator to decide the order', async () => {
        const r = await api<{ decision: { outcome: string } | null }>(
          'GET',
          `/api/v1/validations/${order.id}`,
          { baseUrl: theInstanceOf('validation-aggregator').url },
        );
        return r.status === 200 && r.body.decision ? r.body.decision : undefined;
      });
      assert.equal(decision.outcome, 'VALIDATED');
      // … and once orders and payments have handled everything, the order, already FAILED by the
      // watchdog, stays as it is: not validated, not charged, its unit back on sale.
      await decisionsOf([order.id]); // on the topic, not only in the aggregator's table
      await groupsCaughtUp(['orders'], [topics.orderDecisions]);
      await groupsCaughtUp(['payments', 'inventory'], [topics.orderOutbox]);
      const after = await api<OrderBody>('GET', `/api/v1/orders/${order.id}`);
      assert.equal(after.body.status, 'FAILED');
      assert.deepEqual(after.body.reasons, ['TIMEOUT']);
      assert.deepEqual(await sandboxCharges(order.id), [], 'nothing charged');
      assert.deepEqual(await reservationStates(shopper.sku), { [order.id]: 'RELEASED' });
      const product = await getProduct(shopper.sku);
      assert.deepEqual([product.stock, product.reserved], [3, 0]);
    } finally {
      for (const aggregator of aggregators) leaveRunning(aggregator);
    }
  });
});
