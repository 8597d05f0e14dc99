// The checkout saga end to end (payment, approval, shipping, delivery): a validated order is charged through the
// payment sandbox, APPROVED, its reservation turned into a stock decrement, booked with the sandbox
// carrier (SHIPPED), delivered on the carrier's callback (DELIVERED), and every notable step emailed
// to the customer through the stack's SMTP sink. A declined card FAILs the order and compensates;
// provider errors and slow answers still charge exactly once. Cancellation: checkout-cancel.e2e.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMoney, sandboxTokens } from '@microshop/contracts';
import { eventually } from './lib/api.ts';
import { countsOf, oneEmailEach, receivedEmails, theEmail } from './lib/mail.ts';
import {
  paymentEventsOf,
  paymentOf,
  productWhen,
  reservationStates,
  sandboxCharges,
  shipmentsOf,
} from './lib/saga.ts';
import {
  awaitStatus,
  describeOrder,
  newShopper,
  placeOrder,
  putProduct,
  timelineOf,
  uniqueSku,
} from './lib/shop.ts';

/** The order charged exactly once, for its total: by the provider, in payments' view and on Kafka. */
async function assertChargedOnce(orderId: string, total: number): Promise<void> {
  const charges = await sandboxCharges(orderId);
  assert.equal(charges.length, 1, `one charge at the provider: ${JSON.stringify(charges)}`);
  const [charge] = charges;
  assert.equal(charge?.status, 'succeeded');
  assert.equal(charge?.amount, total);
  assert.equal(charge?.refunded, false);
  const payment = await paymentOf(orderId);
  assert.equal(payment?.status, 'SUCCEEDED', JSON.stringify(payment));
  assert.deepEqual(
    payment.charges.map((c) => [c.paymentId, c.status, c.amount]),
    [[charge?.id, 'SUCCEEDED', total]],
  );
  assert.deepEqual(payment.refunds, []);
  const events = await paymentEventsOf([orderId]);
  assert.deepEqual(
    events.map((e) => [e.type, 'amount' in e ? e.amount : null, 'paymentId' in e ? e.paymentId : null]),
    [['PaymentSucceeded', total, charge?.id]],
    'exactly one PaymentSucceeded, for the total, naming the provider’s charge',
  );
}

describe('the checkout saga', () => {
  it('takes an order to DELIVERED: stock decremented by exactly the quantities, the total charged once, shipped with a tracking number, each step emailed once', async () => {
    const shopper = await newShopper('E2E-CHECKOUT', { stock: 10, unitPrice: 2_000 });
    const otherSku = uniqueSku('E2E-CHECKOUT-B');
    await putProduct(otherSku, { unitPrice: 1_250, stock: 5 });
    const items = [shopper.line(3), { sku: otherSku, quantity: 2, unitPrice: 1_250 }];
    const order = await placeOrder(shopper.customer.id, items);
    assert.equal(order.total, 3 * 2_000 + 2 * 1_250);

    const shipped = await awaitStatus(order.id, ['SHIPPED', 'FAILED', 'CANCELLED']);
    assert.ok(['SHIPPED', 'DELIVERED'].includes(shipped.status), describeOrder(shipped));
    const delivered = await awaitStatus(order.id, ['DELIVERED', 'FAILED', 'CANCELLED']);
    assert.equal(delivered.status, 'DELIVERED', describeOrder(delivered));
    assert.deepEqual(await timelineOf(order.id, 'DELIVERED'), [
      'CREATED',
      'VALIDATED',
      'APPROVED',
      'SHIPPED',
      'DELIVERED',
    ]);

    // The reservation became a decrement: stock down by the quantities, nothing left reserved.
    const a = await productWhen(shopper.sku, (p) => p.reserved === 0 && p.stock !== 10);
    const b = await productWhen(otherSku, (p) => p.reserved === 0 && p.stock !== 5);
    assert.deepEqual([a.stock, a.reserved, b.stock, b.reserved], [7, 0, 3, 0]);
    assert.deepEqual(await reservationStates(shopper.sku), { [order.id]: 'COMMITTED' });

    await assertChargedOnce(order.id, order.total);

    const shipments = await shipmentsOf(order.id);
    assert.equal(shipments.length, 1, JSON.stringify(shipments));
    const [shipment] = shipments;
    assert.equal(shipment?.status, 'DELIVERED');
    assert.equal(shipment.carrier, 'sandbox-express');
    assert.match(shipment.trackingNumber ?? '', /^\w{6,}$/, 'a tracking number');

    const emails = await oneEmailEach(shopper.customer.email, order.id, ['APPROVED', 'SHIPPED', 'DELIVERED']);
    const approved = theEmail(emails, 'APPROVED');
    assert.ok(
      approved.text.includes(`We have charged ${formatMoney(order.total, 'EUR')}`),
      `the APPROVED email names the amount charged: ${approved.text}`,
    );
    assert.deepEqual(approved.to, [shopper.customer.email]);
    const shippedMail = theEmail(emails, 'SHIPPED');
    assert.ok(
      shippedMail.text.includes(`Tracking number: ${shipment.trackingNumber}`),
      `the SHIPPED email names the tracking number: ${shippedMail.text}`,
    );
    theEmail(emails, 'DELIVERED');
  });

  it('fails an order whose card is declined with the payment reason, releases its reservation, charges nothing and emails the reason', async () => {
    const shopper = await newShopper('E2E-DECLINED', { stock: 4 });
    const order = await placeOrder(shopper.customer.id, [shopper.line(2)], {
      token: sandboxTokens.declined,
    });
    const failed = await awaitStatus(order.id, ['FAILED', 'APPROVED', 'CANCELLED']);
    assert.equal(failed.status, 'FAILED', describeOrder(failed));
    assert.deepEqual(failed.reasons, ['card declined: Your card was declined.']);
    assert.deepEqual(await timelineOf(order.id, 'FAILED'), ['CREATED', 'VALIDATED', 'FAILED']);

    await eventually('the reservation to be released', async () =>
      (await reservationStates(shopper.sku))[order.id] === 'RELEASED' ? true : undefined,
    );
    const product = await productWhen(shopper.sku, (p) => p.reserved === 0);
    assert.deepEqual([product.stock, product.reserved], [4, 0]);

    assert.deepEqual(await sandboxCharges(order.id), [], 'the provider charged nothing');
    const payment = await paymentOf(order.id);
    assert.equal(payment?.status, 'FAILED', JSON.stringify(payment));
    assert.deepEqual(payment.refunds, []);
    const events = await paymentEventsOf([order.id]);
    assert.deepEqual(
      events.map((e) => [e.type, 'reason' in e ? e.reason : null]),
      [['PaymentFailed', 'card declined: Your card was declined.']],
    );

    const emails = await oneEmailEach(shopper.customer.email, order.id, ['FAILED']);
    assert.match(theEmail(emails, 'FAILED').text, /Your card was declined/);
    assert.deepEqual(await shipmentsOf(order.id), [], 'nothing shipped');
  });

  for (const [token, what] of [
    [sandboxTokens.flaky, 'answers 5xx twice before charging (tok_error)'],
    [sandboxTokens.slow, 'answers after the payments timeout, so the charge is asked again (tok_slow)'],
  ] as const) {
    it(`approves an order whose provider ${what}, with exactly one charge`, async () => {
      const shopper = await newShopper('E2E-PROVIDER', { stock: 3 });
      const order = await placeOrder(shopper.customer.id, [shopper.line(1)], { token });
      const approved = await awaitStatus(order.id, ['APPROVED', 'FAILED', 'CANCELLED']);
      assert.ok(
        ['APPROVED', 'SHIPPED', 'DELIVERED'].includes(approved.status),
        `approved, not failed: ${describeOrder(approved)}`,
      );
      await assertChargedOnce(order.id, order.total);
      const emails = await receivedEmails(shopper.customer.email, order.id, ['APPROVED']);
      assert.equal(countsOf(emails).APPROVED, 1);
    });
  }
});
