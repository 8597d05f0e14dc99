import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { topics } from '@microshop/contracts';
import { newTraceparent, recordSpans, traceIdOf } from '@microshop/platform/testing';
import { markChargeAttempted } from '../src/store/payment-state.ts';
import { type ReconcilerOptions, reconcileCharges } from '../src/tasks/reconciler.ts';
import { newOrder, orderEvent } from './fixtures.ts';
import {
  deliverer,
  httpProvider,
  logger,
  migratedSchema,
  outboxWindow,
  paymentDeps,
  startSandbox,
} from './harness.ts';

// Reconciliation against the provider's ledger, with the real sandbox: charges payments never
// recorded are found by their key, orphans refunded, captures of waiting orders recorded.

const db = await migratedSchema('payments_reconcile');
const sandbox = await startSandbox();
const provider = httpProvider(sandbox.url, { maxAttempts: 2 });
const deliver = deliverer(paymentDeps(db, provider));
const published = await outboxWindow(db);

function reconciler(overrides: Partial<ReconcilerOptions> = {}): ReconcilerOptions {
  return {
    pool: db.pool,
    provider,
    paymentsTopic: topics.payments,
    logger,
    now: () => new Date(),
    newId: randomUUID,
    afterMs: 0,
    settleMs: 0,
    ...overrides,
  };
}

async function paymentRow(orderId: string) {
  const result = await db.pool.query(
    `SELECT o.reconciled_at IS NOT NULL AS settled, c.outcome, r.refund_id IS NOT NULL AS refunded
     FROM payment_orders o LEFT JOIN charges c USING (order_id) LEFT JOIN refunds r USING (order_id)
     WHERE o.order_id = $1`,
    [orderId],
  );
  return result.rows[0];
}

describe('reconciliation against the provider', () => {
  test('an orphan — captured at the provider for an order that FAILED, never recorded — is refunded once', async () => {
    const order = newOrder(4200);
    await deliver(orderEvent(order, 'CREATED'), orderEvent(order, 'FAILED'));
    // The charge lands after payments gave up: the provider has it, payments has no trace of it.
    const charge = await sandbox.chargeBehindPaymentsBack(order.orderId, 4200);

    const first = await reconcileCharges(reconciler());
    const second = await reconcileCharges(reconciler());

    assert.equal(first['orphan-refunded'], 1);
    assert.equal(second['orphan-refunded'] ?? 0, 0, 'settled: never asked again');
    const [atProvider] = await sandbox.charges(order.orderId);
    assert.deepEqual([atProvider?.id, atProvider?.amount_refunded], [charge.id, 4200]);
    assert.equal((await sandbox.refunds(charge.id)).length, 1);
    assert.deepEqual(await paymentRow(order.orderId), {
      settled: true,
      outcome: 'SUCCEEDED',
      refunded: true,
    });
    const events = (await published(order.orderId)).map((event) => [
      event.payload.type,
      event.payload.reason,
    ]);
    assert.deepEqual(events, [['PaymentRefunded', 'FAILED']]);
  });

  test('a capture for an order still waiting (payments crashed mid-call) is recorded and PaymentSucceeded published, in the trace the charge was sent in', async () => {
    recordSpans();
    const order = newOrder(1500);
    await deliver(orderEvent(order, 'CREATED'));
    const chargeTrace = newTraceparent();
    await markChargeAttempted(db.pool, order.orderId, new Date(), chargeTrace);
    const charge = await sandbox.chargeBehindPaymentsBack(order.orderId, 1500);

    const report = await reconcileCharges(reconciler());

    assert.equal(report['capture-recorded'], 1);
    assert.deepEqual(await paymentRow(order.orderId), {
      settled: true,
      outcome: 'SUCCEEDED',
      refunded: false,
    });
    const events = await published(order.orderId);
    assert.deepEqual(
      events.map((event) => [event.payload.type, event.payload.paymentId, event.payload.amount]),
      [['PaymentSucceeded', charge.id, 1500]],
    );
    assert.deepEqual(
      events.map((event) => traceIdOf(event.traceparent)),
      [traceIdOf(chargeTrace)],
    );
    // The consumer, handling the order's OrderValidated later, finds it recorded: no second event.
    await deliver(orderEvent(order, 'VALIDATED'));
    assert.equal((await published(order.orderId)).length, 1);
    assert.equal((await sandbox.charges(order.orderId)).length, 1);
  });

  test('an order that ended with nothing at the provider is settled once no charge can still land; a waiting one is asked again', async () => {
    const ended = newOrder();
    await deliver(orderEvent(ended, 'CREATED'));
    await markChargeAttempted(db.pool, ended.orderId, new Date());
    await deliver(orderEvent(ended, 'CANCELLED'));
    const waiting = newOrder();
    await deliver(orderEvent(waiting, 'CREATED'));
    await markChargeAttempted(db.pool, waiting.orderId, new Date());

    const tooSoon = await reconcileCharges(reconciler({ settleMs: 60_000 }));
    const later = await reconcileCharges(reconciler({ settleMs: 0 }));

    assert.ok((tooSoon['ask-again'] ?? 0) >= 2, JSON.stringify(tooSoon));
    assert.ok((later['nothing-charged'] ?? 0) >= 1, JSON.stringify(later));
    assert.equal((await paymentRow(ended.orderId)).settled, true);
    assert.equal((await paymentRow(waiting.orderId)).settled, false);
    assert.deepEqual(await published(ended.orderId), []);
  });

  test('while the provider is down the pass stops, marking nothing; once it is back the orphan is refunded', async () => {
    const order = newOrder(900);
    await deliver(orderEvent(order, 'CREATED'), orderEvent(order, 'FAILED'));
    await sandbox.chargeBehindPaymentsBack(order.orderId, 900);
    sandbox.faults.start({ mode: 'unavailable', status: 503 });
    try {
      const during = await reconcileCharges(reconciler());
      assert.deepEqual(during, {});
      assert.equal((await paymentRow(order.orderId)).settled, false);
    } finally {
      sandbox.faults.stop();
    }

    const after = await reconcileCharges(reconciler());
    assert.equal(after['orphan-refunded'], 1);
    assert.equal((await sandbox.charges(order.orderId))[0]?.amount_refunded, 900);
  });
});
