// Cancelling an APPROVED order: the charge is refunded, the units go back on sale, the booking is
// cancelled with the carrier and the customer gets one "cancelled" email. The carrier is held down
// while the order is APPROVED, so the cancel always comes before any booking (with a carrier that
// answers, SHIPPED follows APPROVED within a moment); serial, because the outage is the whole stack's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMoney } from '@microshop/contracts';
import { eventually, type OrderBody } from './lib/api.ts';
import { assertRefunded, assertUnitsBack, cancel, cancelledEmail } from './lib/cancel.ts';
import { endOutage, startOutage } from './lib/faults.ts';
import { shipmentsOf } from './lib/saga.ts';
import { awaitStatus, describeOrder, newShopper, placeOrder, timelineOf } from './lib/shop.ts';

describe('cancelling an APPROVED order', () => {
  it('refunds the charge, restores the stock, cancels any booking and emails the refund', async () => {
    const shopper = await newShopper('E2E-CANCEL-PAID', { stock: 6 });
    await startOutage('carrier-sandbox', { mode: 'unavailable', status: 503 });
    let order: OrderBody;
    try {
      order = await placeOrder(shopper.customer.id, [shopper.line(2)]);
      const approved = await awaitStatus(order.id, ['APPROVED', 'SHIPPED', 'FAILED', 'CANCELLED']);
      assert.equal(approved.status, 'APPROVED', describeOrder(approved));
      const res = await cancel(order.id);
      assert.equal(res.status, 202, `${describeOrder(approved)} → ${JSON.stringify(res.body)}`);
      assert.equal(res.body.status, 'CANCELLED');
    } finally {
      await endOutage('carrier-sandbox');
    }

    await assertRefunded(order);
    // Committed on APPROVED, then put back on CANCELLED.
    await assertUnitsBack(shopper, order.id, 'RESTOCKED', 6);
    const text = await cancelledEmail(shopper, order.id, ['APPROVED']);
    assert.ok(text.includes(`We have refunded ${formatMoney(order.total, 'EUR')}`), text);
    // Any booking was cancelled with the carrier: no delivery callback moves the order on.
    await eventually('any shipment to be cancelled', async () => {
      const all = await shipmentsOf(order.id);
      return all.every((s) => s.status === 'CANCELLED') ? all : undefined;
    });
    assert.deepEqual(await timelineOf(order.id, 'CANCELLED'), [
      'CREATED',
      'VALIDATED',
      'APPROVED',
      'CANCELLED',
    ]);
  });
});
