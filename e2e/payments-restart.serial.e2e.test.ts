// The payments service killed (SIGKILL, like a crash) while charges are in flight, then started
// again: the charges it had sent but not recorded are asked again with the same idempotency key, the
// provider answers with the charge it made (or is still making), and every order is APPROVED with
// exactly one charge. Runs alone (".serial."): it stops a service of the shared test stack.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxTokens, topics } from '@microshop/contracts';
import { eventually } from './lib/api.ts';
import { query } from './lib/db.ts';
import { groupsCaughtUp } from './lib/kafka.ts';
import { paymentEventsOf, paymentOf, sandboxCharges } from './lib/saga.ts';
import { assertValidated, awaitStatus, describeOrder, newShopper, placeOrder } from './lib/shop.ts';
import { restartInstance, stopPartOfStack, theInstanceOf } from './lib/stack.ts';

const orderCount = 4;

/** The orders payments has sent a charge for, and those whose outcome it has recorded. */
async function chargeProgress(ids: string[]): Promise<{ sent: string[]; recorded: string[] }> {
  const sent = await query<{ order_id: string }>(
    'select order_id::text from payments.payment_orders where charge_attempted_at is not null and order_id::text = any($1)',
    [ids],
  );
  const recorded = await query<{ order_id: string }>(
    'select order_id::text from payments.charges where order_id::text = any($1)',
    [ids],
  );
  return { sent: sent.map((r) => r.order_id), recorded: recorded.map((r) => r.order_id) };
}

describe('a payments crash while charges are in flight', () => {
  it('charges every order exactly once and approves it once payments is started again', async (t) => {
    const payments = theInstanceOf('payments');
    const shoppers = await Promise.all(
      Array.from({ length: orderCount }, () => newShopper('E2E-PAYMENTS-CRASH', { stock: 2 })),
    );
    // tok_slow: the provider answers each charge after 3 s, so a charge stays in flight that long.
    const orders = await Promise.all(
      shoppers.map((s) => placeOrder(s.customer.id, [s.line(1)], { token: sandboxTokens.slow })),
    );
    const ids = orders.map((o) => o.id);
    for (const id of ids) assertValidated(await awaitStatus(id, ['VALIDATED', 'FAILED']));
    await eventually('payments to send a charge', async () =>
      (await chargeProgress(ids)).sent.length > 0 ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1_000)); // the other partitions' charges leave too

    await stopPartOfStack(payments.part, { crash: true });
    const killedAt = Date.now();
    try {
      const atKill = await chargeProgress(ids);
      const inFlight = atKill.sent.filter((id) => !atKill.recorded.includes(id));
      t.diagnostic(
        `killed with ${inFlight.length} charge(s) in flight, ${atKill.recorded.length} recorded, ${
          ids.length - atKill.sent.length
        } not sent yet`,
      );
      assert.ok(inFlight.length > 0, 'the kill landed while a charge was in flight');
      await new Promise((r) => setTimeout(r, 1_000));
    } finally {
      await restartInstance(payments);
    }
    const readyAfterMs = Date.now() - killedAt;
    t.diagnostic(`payments ready again ${readyAfterMs} ms after the kill`);

    const ended = await Promise.all(
      ids.map((id) => awaitStatus(id, ['APPROVED', 'FAILED', 'CANCELLED'], { timeoutMs: 30_000 })),
    );
    t.diagnostic(`every order decided ${Date.now() - killedAt} ms after the kill`);
    // Never a second charge, whatever happened to the order (read once payments has handled every
    // event of these orders).
    await groupsCaughtUp(['payments'], [topics.orderOutbox]);
    for (const id of ids) {
      const charges = await sandboxCharges(id);
      assert.ok(
        charges.length <= 1,
        `at most one charge at the provider for ${id}: ${JSON.stringify(charges)}`,
      );
    }
    // And the crash cost the orders nothing: each APPROVED, paid once, nothing refunded.
    const events = await paymentEventsOf(ids);
    for (const [i, id] of ids.entries()) {
      const order = ended[i];
      assert.ok(
        order && !['FAILED', 'CANCELLED'].includes(order.status),
        `${id} approved, not ${order && describeOrder(order)} (payments was ready again ${readyAfterMs} ms after the kill)`,
      );
      const charges = await sandboxCharges(id);
      assert.deepEqual(
        charges.map((c) => [c.amount, c.status, c.refunded]),
        [[orders[i]?.total, 'succeeded', false]],
      );
      const payment = await paymentOf(id);
      assert.deepEqual(
        [payment?.status, payment?.charges.map((c) => c.paymentId), payment?.refunds],
        ['SUCCEEDED', [charges[0]?.id], []],
      );
      assert.deepEqual(
        events.filter((e) => e.orderId === id).map((e) => e.type),
        ['PaymentSucceeded'],
        `one PaymentSucceeded for ${id}`,
      );
    }
  });
});
