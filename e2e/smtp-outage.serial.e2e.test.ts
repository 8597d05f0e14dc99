// An SMTP outage: the mail sink (the stack's SMTP server) is stopped while orders go through the
// saga. Their emails wait in the notifications service (PENDING, retried with backoff); once the
// sink is started again, every one of them arrives, exactly once, within a bounded time. The sink was
// down before these customers' first order, so everything it holds for them arrived after the
// restart, which is what "delayed, not lost, not duplicated" means here.
// Runs alone (".serial."): it stops a service of the shared test stack.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import { api, eventually, type OrderBody } from './lib/api.ts';
import { notificationsOf, oneEmailEach } from './lib/mail.ts';
import { endStatuses } from './lib/saga.ts';
import { awaitStatus, describeOrder, newShopper, placeOrder, type Shopper } from './lib/shop.ts';
import { restartInstance, stopPartOfStack, theInstanceOf } from './lib/stack.ts';

/** What each order is and the emails it must give, exactly one each. */
const plan = [
  {
    token: sandboxTokens.success,
    cancel: false,
    ends: 'DELIVERED',
    emails: ['APPROVED', 'SHIPPED', 'DELIVERED'],
  },
  {
    token: sandboxTokens.success,
    cancel: false,
    ends: 'DELIVERED',
    emails: ['APPROVED', 'SHIPPED', 'DELIVERED'],
  },
  { token: sandboxTokens.declined, cancel: false, ends: 'FAILED', emails: ['FAILED'] },
  { token: sandboxTokens.success, cancel: true, ends: 'CANCELLED', emails: ['CANCELLED'] },
];
/** The notifications service retries a failed send after at most 30 s (MAIL_RETRY_MAX_MS). */
const deliveryBoundMs = 45_000;

describe('an SMTP outage', () => {
  it('delays the emails of the orders placed meanwhile; once the mail sink is back each arrives exactly once', async (t) => {
    const sink = theInstanceOf('mail-sink');
    const shoppers: Shopper[] = await Promise.all(
      plan.map(() => newShopper('E2E-SMTP-OUTAGE', { stock: 3 })),
    );

    await stopPartOfStack(sink.part);
    let orders: OrderBody[] = [];
    let restartingAt = 0;
    try {
      orders = await Promise.all(
        plan.map(async (p, i) => {
          const shopper = shoppers[i] as Shopper;
          const order = await placeOrder(shopper.customer.id, [shopper.line(1)], { token: p.token });
          if (p.cancel) {
            const res = await api('POST', `/api/v1/orders/${order.id}/cancel`);
            assert.equal(res.status, 202, JSON.stringify(res.body));
          }
          const ended = await awaitStatus(order.id, endStatuses);
          assert.equal(ended.status, p.ends, describeOrder(ended));
          return ended;
        }),
      );
      // Meanwhile every email is queued, tried, and still PENDING with the SMTP error.
      for (const [i, order] of orders.entries()) {
        const queued = await eventually(`the emails of ${order.id} to be tried`, async () => {
          const ns = await notificationsOf(order.id);
          // Tried, and not in the middle of an attempt (SENDING) when read.
          const tried =
            ns.length === plan[i]?.emails.length &&
            ns.every((n) => n.attempts >= 1 && n.status !== 'SENDING');
          return tried ? ns : undefined;
        });
        assert.deepEqual(
          queued.map((n) => [n.orderStatus, n.status, n.lastError !== null]).sort(),
          plan[i]?.emails.map((s) => [s, 'PENDING', true]).sort(),
          'queued and retried, not sent, not dropped',
        );
      }
    } finally {
      restartingAt = Date.now();
      await restartInstance(sink);
    }
    const restartedAt = Date.now();

    for (const [i, order] of orders.entries()) {
      const expected = plan[i]?.emails ?? [];
      const shopper = shoppers[i] as Shopper;
      const emails = await oneEmailEach(shopper.customer.email, order.id, expected, {
        timeoutMs: deliveryBoundMs,
        message: `every email of ${order.id} (${order.status}) exactly once`,
      });
      for (const mail of Object.values(emails).flat())
        assert.ok(Date.parse(mail.receivedAt) >= restartingAt, 'received by the restarted sink');
    }
    t.diagnostic(`every email arrived ${Date.now() - restartedAt} ms after the sink came back`);
    assert.ok(Date.now() - restartedAt < deliveryBoundMs, 'within the bound');
  });
});
