// An order of a customer nobody registered (a principal the identity service does not know, as an
// outside issuer's customer would be): order-details waits REFERENCE_GRACE_MS (5 s) for a late copy
// of the customer, then FAILs the order for ORDER_DETAILS. Serial: while it waits, the
// order holds its partition of order-details, so every order behind it waits as long (they would
// risk the test stack's 8 s CREATED watchdog in the files running alongside).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { eventually } from './lib/api.ts';
import { unregisteredCustomer } from './lib/session.ts';
import { awaitStatus, describeOrder, getProduct, placeOrder, putProduct, uniqueSku } from './lib/shop.ts';
import { detachedSpans, spanListing, traceOfOrder } from './lib/traces.ts';

/** The services an order failed by order-details passes through. */
const failedPath = ['gateway', 'orders', 'order-details', 'validation-aggregator', 'inventory'];

describe('an order of an unknown customer', () => {
  it('fails for ORDER_DETAILS naming the customer once the grace period is over, and releases its reservation', async (t) => {
    const sku = uniqueSku('E2E-NOBODY');
    await putProduct(sku, { unitPrice: 1100, stock: 5 });
    const stranger = randomUUID();
    await unregisteredCustomer(stranger);
    const order = await placeOrder(stranger, [{ sku, quantity: 1, unitPrice: 1100 }]);
    const failed = await awaitStatus(order.id, ['FAILED', 'VALIDATED'], { timeoutMs: 30_000 });
    const waited = Date.parse(failed.updatedAt) - Date.parse(failed.createdAt);
    t.diagnostic(`decided ${waited} ms after creation`);
    assert.equal(failed.status, 'FAILED', describeOrder(failed));
    assert.deepEqual(
      failed.reasons,
      [`ORDER_DETAILS: unknown customer ${stranger}`],
      `failed by order-details, not by the watchdog (${waited} ms): ${describeOrder(failed)}`,
    );
    assert.ok(
      waited >= 5_000,
      `judged after the 5 s grace for a late customer copy, not at once (${waited} ms)`,
    );
    // Inventory reserved the unit on OrderCreated; the failure releases it.
    await eventually(`${sku} released`, async () =>
      (await getProduct(sku)).reserved === 0 ? true : undefined,
    );
    // The verdict came from order-details' deadline loop, outside any request or event, yet the order
    // is still one trace: the check goes on in the trace the order was parked in, up to its failure.
    const trace = await traceOfOrder(order.id, { services: failedPath, last: 'handle OrderFailed' });
    const recheck = trace.spans.find((span) => span.name === 'recheck parked order');
    assert.equal(recheck?.service, 'order-details', spanListing(trace));
    assert.deepEqual(detachedSpans(trace), [], spanListing(trace));
  });
});
