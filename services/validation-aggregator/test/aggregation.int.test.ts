import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { type OrderValidationEvent, topics, validationDecisionSchema } from '@microshop/contracts';
import { AppError, asMessageHandler, problemDetailsSchema } from '@microshop/platform';
import { outboxInsertsDuring } from '@microshop/platform/testing';
import { aggregateValidations } from '../src/handlers/validation-results.ts';
import { allPass, consumed, validation } from './fixtures.ts';
import { asOperator, handlerContext, httpApp, issuer, migratedSchema } from './harness.ts';

const db = await migratedSchema('validation_aggregator_int');
const app = await httpApp(db);
after(() => app.close());
// The consumer's handler as the kit wires it: in a transaction on the pool, with the inbox of the group.
const handle = asMessageHandler(aggregateValidations({ decisionsTopic: topics.orderDecisions }), {
  pool: db.pool,
  consumer: 'validation-aggregator',
});

async function deliver(...events: OrderValidationEvent[]): Promise<void> {
  for (const event of events) await handle(consumed(event), handlerContext());
}

async function decisionRows(orderId: string): Promise<{ outcome: string; reasons: string[] }[]> {
  const result = await db.pool.query(
    'SELECT outcome, reasons FROM validation_decisions WHERE order_id = $1',
    [orderId],
  );
  return result.rows;
}

function decisionsOf(inserts: { payload: Record<string, unknown> }[], orderId: string) {
  return inserts
    .map((insert) => validationDecisionSchema.parse(insert.payload))
    .filter((decision) => decision.orderId === orderId);
}

describe('the aggregator on PostgreSQL', () => {
  test('three PASS make one OrderValidated in the outbox, keyed by the order id, with its decision row', async () => {
    const orderId = randomUUID();
    const inserts = await outboxInsertsDuring(db, () => deliver(...allPass(orderId)));

    const decisions = decisionsOf(inserts, orderId);
    assert.equal(decisions.length, 1);
    assert.equal(decisions[0]?.type, 'OrderValidated');
    const line = inserts.find((insert) => insert.payload.orderId === orderId)?.line ?? '';
    assert.ok(line.includes("aggregatetype[text]:'microshop.order-decisions'"), line);
    assert.ok(line.includes(`aggregateid[text]:'${orderId}'`), line);
    assert.deepEqual(await decisionRows(orderId), [{ outcome: 'VALIDATED', reasons: [] }]);
  });

  test('a duplicated PASS (redelivered or re-sent) and a late FAIL change nothing', async () => {
    const orderId = randomUUID();
    const [fraud, inventory, details] = allPass(orderId);
    assert.ok(fraud && inventory && details);
    const resent = validation('FRAUD', 'PASS', { orderId }); // same check, new event id
    const lateFail = validation('INVENTORY', 'FAIL', { orderId, reason: 'insufficient stock: JUMPERS' });

    const inserts = await outboxInsertsDuring(db, async () => {
      await deliver(fraud, fraud, resent, inventory);
      assert.deepEqual(await decisionRows(orderId), [], 'two distinct checks only: no decision yet');
      await deliver(details, lateFail, details);
    });

    assert.deepEqual(
      decisionsOf(inserts, orderId).map((decision) => decision.type),
      ['OrderValidated'],
    );
    assert.deepEqual(await decisionRows(orderId), [{ outcome: 'VALIDATED', reasons: [] }]);
    const stored = await db.pool.query(
      'SELECT check_name, result FROM validation_results WHERE order_id = $1 ORDER BY check_name',
      [orderId],
    );
    assert.deepEqual(
      stored.rows.map((row) => `${row.check_name}:${row.result}`),
      ['FRAUD:PASS', 'INVENTORY:PASS', 'ORDER_DETAILS:PASS'],
    );
  });

  test('the first FAIL rejects with its reason; the PASS results after it decide nothing', async () => {
    const orderId = randomUUID();
    const inserts = await outboxInsertsDuring(db, () =>
      deliver(
        validation('ORDER_DETAILS', 'PASS', { orderId }),
        validation('INVENTORY', 'FAIL', { orderId, reason: 'insufficient stock: JUMPERS' }),
        validation('FRAUD', 'PASS', { orderId }),
      ),
    );

    const decisions = decisionsOf(inserts, orderId);
    assert.equal(decisions.length, 1);
    const [decision] = decisions;
    assert.ok(decision?.type === 'OrderRejected');
    assert.deepEqual(decision.reasons, ['INVENTORY: insufficient stock: JUMPERS']);
    assert.equal(decision.source, 'validation-aggregator');
  });

  test('the last two results of an order handled at the same time make exactly one decision', async () => {
    for (const [first, second] of [
      ['PASS', 'PASS'],
      ['PASS', 'FAIL'],
      ['FAIL', 'FAIL'],
    ] as const) {
      const orderId = randomUUID();
      await deliver(validation('FRAUD', 'PASS', { orderId }));
      const inserts = await outboxInsertsDuring(db, async () => {
        await Promise.all([
          deliver(validation('INVENTORY', first, { orderId })),
          deliver(validation('ORDER_DETAILS', second, { orderId })),
        ]);
      });

      assert.equal(decisionsOf(inserts, orderId).length, 1, `${first}/${second}`);
      const rows = await decisionRows(orderId);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.outcome, first === 'PASS' && second === 'PASS' ? 'VALIDATED' : 'REJECTED');
    }
  });

  test('one event delivered twice at the same time is handled once', async () => {
    const orderId = randomUUID();
    const [fraud, inventory, details] = allPass(orderId);
    assert.ok(fraud && inventory && details);
    await deliver(fraud, inventory);

    const inserts = await outboxInsertsDuring(db, async () => {
      await Promise.all([deliver(details), deliver(details)]);
    });

    assert.equal(decisionsOf(inserts, orderId).length, 1);
    const inbox = await db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [
      details.id,
    ]);
    assert.equal(inbox.rows[0]?.n, 1);
  });

  test('another message type is skipped and a broken OrderValidation is a non-retriable error', async () => {
    await handle(
      { ...consumed(validation('FRAUD', 'PASS')), value: { type: 'SomethingElse' } },
      handlerContext(),
    );

    const broken = {
      ...consumed(validation('FRAUD', 'PASS')),
      value: { type: 'OrderValidation', check: 'X' },
    };
    await assert.rejects(
      () => handle(broken, handlerContext()),
      (error) => error instanceof AppError && error.code === 'VALIDATION_FAILED' && !error.retriable,
    );
  });
});

describe('GET /api/v1/validations/{orderId}', () => {
  test("shows an order's results and decision", async () => {
    const orderId = randomUUID();
    await deliver(
      validation('FRAUD', 'PASS', { orderId }),
      validation('INVENTORY', 'FAIL', { orderId, reason: 'insufficient stock: JUMPERS' }),
    );

    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/validations/${orderId}`,
      headers: asOperator,
    });
    const asCustomer = await app.inject({
      method: 'GET',
      url: `/api/v1/validations/${orderId}`,
      headers: (await issuer.customer()).headers,
    });

    assert.equal(asCustomer.statusCode, 403);
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.orderId, orderId);
    assert.deepEqual(
      body.results.map((r: { check: string; result: string; reason: string | null }) => [
        r.check,
        r.result,
        r.reason,
      ]),
      [
        ['FRAUD', 'PASS', null],
        ['INVENTORY', 'FAIL', 'insufficient stock: JUMPERS'],
      ],
    );
    assert.equal(body.decision.outcome, 'REJECTED');
    assert.deepEqual(body.decision.reasons, ['INVENTORY: insufficient stock: JUMPERS']);
  });

  test('an unknown order is a 404 problem and a malformed id a 400 naming orderId', async () => {
    const unknown = await app.inject({
      method: 'GET',
      url: `/api/v1/validations/${randomUUID()}`,
      headers: asOperator,
    });
    assert.equal(unknown.statusCode, 404);
    assert.equal(problemDetailsSchema.parse(unknown.json()).code, 'NOT_FOUND');

    const malformed = await app.inject({
      method: 'GET',
      url: '/api/v1/validations/nope',
      headers: asOperator,
    });
    assert.equal(malformed.statusCode, 400);
    assert.deepEqual(
      problemDetailsSchema.parse(malformed.json()).errors.map((error) => error.field),
      ['orderId'],
    );
  });
});
