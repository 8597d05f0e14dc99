// Cancelling during the checkout saga (payment and shipping): before validation nothing is charged; while
// the charge is in flight or once the order is APPROVED, the charge is refunded (payments' view and
// the provider's ledger) and the units go back on sale; the customer gets one "cancelled" email. Once
// SHIPPED, a cancel is refused with a 409 problem and changes nothing. A cancel of an APPROVED order
// is in checkout-cancel-approved.serial.e2e.test.ts (it holds the carrier back, for every test).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMoney, sandboxTokens, topics } from '@microshop/contracts';
import { api, type OrderBody } from './lib/api.ts';
import { assertRefunded, assertUnitsBack, cancel, cancelledEmail } from './lib/cancel.ts';
import { decisionsOf, groupsCaughtUp } from './lib/kafka.ts';
import { oneEmailEach } from './lib/mail.ts';
import { paymentOf, productWhen, sandboxCharges, shipmentsOf } from './lib/saga.ts';
import { awaitStatus, describeOrder, newShopper, placeOrder, timelineOf } from './lib/shop.ts';

describe('cancelling an order during checkout', () => {
  it('cancels an order still CREATED: nothing is charged, its reservation is released and the customer is emailed', async () => {
    const shopper = await newShopper('E2E-CANCEL-NEW', { stock: 6 });
    const order = await placeOrder(shopper.customer.id, [shopper.line(2)]);
    const res = await cancel(order.id);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.status, 'CANCELLED');
    assert.deepEqual(await timelineOf(order.id, 'CANCELLED'), ['CREATED', 'CANCELLED']);
    await assertUnitsBack(shopper, order.id, 'RELEASED', 6);

    // The aggregator still decides the order; once orders and payments have handled all of it,
    // the order is still CANCELLED and nothing was charged.
    await decisionsOf([order.id]);
    await groupsCaughtUp(['orders'], [topics.orderDecisions]);
    await groupsCaughtUp(['payments'], [topics.orderOutbox]);
    const now = await api<OrderBody>('GET', `/api/v1/orders/${order.id}`);
    assert.equal(now.body.status, 'CANCELLED', describeOrder(now.body));
    assert.deepEqual(await sandboxCharges(order.id), [], 'the provider charged nothing');
    const payment = await paymentOf(order.id);
    assert.deepEqual([payment?.charges, payment?.refunds], [[], []], JSON.stringify(payment));

    const text = await cancelledEmail(shopper, order.id);
    assert.match(text, /has been cancelled/);
    assert.doesNotMatch(text, /We have refunded/, 'nothing was charged, so nothing is refunded');
  });

  it('cancels a VALIDATED order whose charge is in flight: the charge is refunded, the reservation released, the customer emailed', async () => {
    const shopper = await newShopper('E2E-CANCEL-PAYING', { stock: 6 });
    // tok_slow: the provider answers after 3 s, so the order waits in VALIDATED meanwhile.
    const order = await placeOrder(shopper.customer.id, [shopper.line(2)], { token: sandboxTokens.slow });
    const validated = await awaitStatus(order.id, ['VALIDATED', 'FAILED']);
    assert.equal(validated.status, 'VALIDATED', describeOrder(validated));
    const res = await cancel(order.id);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.status, 'CANCELLED');

    await assertRefunded(order);
    await assertUnitsBack(shopper, order.id, 'RELEASED', 6);
    // Notifications handled the cancellation while the charge was still unknown to it (an unpaid
    // order does not wait for a refund), so the email may promise the refund instead of naming it.
    const text = await cancelledEmail(shopper, order.id);
    const refund = `We have refunded ${formatMoney(order.total, 'EUR')}`;
    assert.ok(text.includes(refund) || text.includes('Any payment captured for it will be refunded'), text);
    // The late PaymentSucceeded did not approve it: still CANCELLED, never shipped.
    assert.deepEqual(await timelineOf(order.id, 'CANCELLED'), ['CREATED', 'VALIDATED', 'CANCELLED']);
    assert.equal((await api<OrderBody>('GET', `/api/v1/orders/${order.id}`)).body.status, 'CANCELLED');
    assert.deepEqual(await shipmentsOf(order.id), []);
  });

  it('refuses with a 409 problem to cancel a SHIPPED order, which is delivered, paid and never refunded', async () => {
    const shopper = await newShopper('E2E-CANCEL-LATE', { stock: 6 });
    const order = await placeOrder(shopper.customer.id, [shopper.line(1)]);
    const shipped = await awaitStatus(order.id, ['SHIPPED', 'FAILED', 'CANCELLED']);
    assert.ok(['SHIPPED', 'DELIVERED'].includes(shipped.status), describeOrder(shipped));
    const res = await cancel(order.id);
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.match(res.body.detail ?? '', /SHIPPED|DELIVERED/);

    const delivered = await awaitStatus(order.id, ['DELIVERED', 'CANCELLED']);
    assert.equal(delivered.status, 'DELIVERED', describeOrder(delivered));
    await oneEmailEach(shopper.customer.email, order.id, ['APPROVED', 'SHIPPED', 'DELIVERED']);
    const payment = await paymentOf(order.id);
    assert.deepEqual([payment?.status, payment?.refunds], ['SUCCEEDED', []], JSON.stringify(payment));
    const product = await productWhen(shopper.sku, (p) => p.reserved === 0 && p.stock === 5);
    assert.deepEqual([product.stock, product.reserved], [5, 0], 'the unit stays sold');
  });
});
