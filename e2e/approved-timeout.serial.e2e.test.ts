// Every order ends, paid ones too: with the carrier down for longer than the test stack's APPROVED
// deadline (WATCHDOG_APPROVED_DEADLINE_MS = 30 s), an approved order gets no shipment booked; the
// watchdog's ExpireOrder cancels it with reason TIMEOUT, and the cancellation compensates: the charge
// is refunded (payments and the provider's ledger), the units go back in stock, the customer gets the
// cancellation email. When the carrier is back, the booking that was waiting lands late and is
// cancelled with the carrier; the order stays CANCELLED. Runs alone (".serial."): it takes the
// carrier of the shared test stack away.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMoney } from '@microshop/contracts';
import { api, eventually, type OrderBody } from './lib/api.ts';
import { endOutage, startOutage } from './lib/faults.ts';
import { oneEmailEach, theEmail } from './lib/mail.ts';
import { paymentWhen, productWhen, reservationStates, sandboxCharges, shipmentsOf } from './lib/saga.ts';
import { awaitStatus, describeOrder, newShopper, placeOrder, timelineOf } from './lib/shop.ts';
import { theInstanceOf } from './lib/stack.ts';

/** The order once it reached one of `statuses`, waiting longer than one blocking GET may. */
function reached(orderId: string, statuses: string[], timeoutMs: number): Promise<OrderBody> {
  return eventually(
    `order ${orderId} to reach ${statuses}`,
    async () => {
      const res = await api<OrderBody>('GET', `/api/v1/orders/${orderId}?waitFor=${statuses}&timeout=20000`);
      return res.status === 200 ? res.body : undefined;
    },
    timeoutMs,
  );
}

/** The carrier sandbox's bookings of the order (its own ledger). */
async function carrierBookings(orderId: string): Promise<{ id: string; status: string }[]> {
  const res = await api<{ shipments: { id: string; status: string }[] }>(
    'GET',
    `/v1/shipments?reference=${orderId}`,
    { baseUrl: theInstanceOf('carrier-sandbox').url },
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.shipments;
}

describe('an order APPROVED past its deadline (the carrier is down)', () => {
  it('is cancelled with reason TIMEOUT and compensated: refunded, restocked, a late booking cancelled, one email', async () => {
    const shopper = await newShopper('E2E-APPROVED-TIMEOUT', { stock: 5 });
    await startOutage('carrier-sandbox', { mode: 'unavailable', status: 503 });
    let order: OrderBody;
    try {
      order = await placeOrder(shopper.customer.id, [shopper.line(2)]);
      const approved = await awaitStatus(order.id, ['APPROVED', 'SHIPPED', 'FAILED', 'CANCELLED']);
      assert.equal(approved.status, 'APPROVED', describeOrder(approved));

      const cancelled = await reached(order.id, ['CANCELLED', 'SHIPPED', 'DELIVERED'], 120_000);
      assert.equal(cancelled.status, 'CANCELLED', describeOrder(cancelled));
      assert.deepEqual(cancelled.reasons, ['TIMEOUT']);
    } finally {
      await endOutage('carrier-sandbox');
    }

    const payment = await paymentWhen(order.id, 'refunded', (p) => p.refunds.length > 0, 30_000);
    assert.deepEqual(
      payment.refunds.map((r) => [r.amount, r.reason]),
      [[order.total, 'CANCELLED']],
    );
    const [charge, ...more] = await sandboxCharges(order.id);
    assert.deepEqual([more.length, charge?.amount_refunded, charge?.refunded], [0, order.total, true]);
    await eventually('the reservation to be restocked', async () =>
      (await reservationStates(shopper.sku))[order.id] === 'RESTOCKED' ? true : undefined,
    );
    const product = await productWhen(shopper.sku, (p) => p.stock === 5 && p.reserved === 0);
    assert.deepEqual([product.stock, product.reserved], [5, 0]);

    // The booking that waited for the carrier lands late and is cancelled with it.
    const shipments = await eventually(
      'the late booking to be cancelled',
      async () => {
        const all = await shipmentsOf(order.id);
        return all.length > 0 && all.every((s) => s.status === 'CANCELLED') ? all : undefined;
      },
      60_000,
    );
    assert.equal(shipments.length, 1);
    const bookings = await carrierBookings(order.id);
    assert.deepEqual(
      bookings.map((b) => b.status),
      ['cancelled'],
    );
    assert.deepEqual(await timelineOf(order.id, 'CANCELLED'), [
      'CREATED',
      'VALIDATED',
      'APPROVED',
      'CANCELLED',
    ]);
    assert.equal((await api<OrderBody>('GET', `/api/v1/orders/${order.id}`)).body.status, 'CANCELLED');

    const emails = await oneEmailEach(shopper.customer.email, order.id, ['APPROVED', 'CANCELLED'], {
      timeoutMs: 45_000,
    });
    assert.ok(
      theEmail(emails, 'CANCELLED').text.includes(`We have refunded ${formatMoney(order.total, 'EUR')}`),
    );
  });
});
