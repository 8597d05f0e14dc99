// Cancelling an order, and what a cancelled order must have left: its charge refunded in full (payments'
// view and the provider's ledger), its units back on sale, one CANCELLED email.
import assert from 'node:assert/strict';
import { api, eventually, type OrderBody } from './api.ts';
import { oneEmailEach, theEmail } from './mail.ts';
import { paymentWhen, productWhen, reservationStates, sandboxCharges, sandboxRefunds } from './saga.ts';
import type { Shopper } from './shop.ts';

export async function cancel(orderId: string) {
  return api<OrderBody & { detail?: string }>('POST', `/api/v1/orders/${orderId}/cancel`);
}

/**
 * The order's one charge was refunded in full: payments recorded the refund, and the provider holds
 * exactly one charge for the order, refunded by exactly one refund.
 */
export async function assertRefunded(order: OrderBody): Promise<void> {
  const payment = await paymentWhen(order.id, 'refunded', (p) => p.refunds.length > 0);
  assert.equal(payment.status, 'REFUNDED', JSON.stringify(payment));
  assert.deepEqual(
    payment.refunds.map((r) => [r.amount, r.currency, r.reason]),
    [[order.total, order.currency, 'CANCELLED']],
  );
  const charges = await sandboxCharges(order.id);
  assert.equal(charges.length, 1, `one charge at the provider: ${JSON.stringify(charges)}`);
  const [charge] = charges;
  assert.ok(charge);
  assert.deepEqual(
    [charge.amount, charge.amount_refunded, charge.refunded],
    [order.total, order.total, true],
  );
  const refunds = await sandboxRefunds(charge.id);
  assert.deepEqual(
    refunds.map((r) => [r.id, r.amount]),
    [[payment.refunds[0]?.refundId, order.total]],
    'one refund at the provider, the one payments recorded',
  );
}

/** The units of the cancelled order are on sale again and nothing is reserved. */
export async function assertUnitsBack(shopper: Shopper, orderId: string, state: string, stock: number) {
  await eventually(`the reservation of ${orderId} to be ${state}`, async () =>
    (await reservationStates(shopper.sku))[orderId] === state ? true : undefined,
  );
  const product = await productWhen(shopper.sku, (p) => p.reserved === 0 && p.stock === stock);
  assert.deepEqual([product.stock, product.reserved], [stock, 0]);
}

/** The one CANCELLED email, and no other email about the order than `others`. */
export async function cancelledEmail(shopper: Shopper, orderId: string, others: string[] = []) {
  const emails = await oneEmailEach(shopper.customer.email, orderId, [...others, 'CANCELLED']);
  return theEmail(emails, 'CANCELLED').text;
}
