import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { orderValidationEventSchema, topics } from '@microshop/contracts';
import {
  asMessageHandler,
  createPool,
  isAppError,
  type MessageHandler,
  type Pool,
} from '@microshop/platform';
import { withDecodingSlot } from '@microshop/platform/testing';
import type { SessionRules } from '../src/domain/session.ts';
import { judgeOrders } from '../src/handlers/order-created.ts';
import { after, consumed, orderCreated } from './fixtures.ts';
import { asOperator, handlerContext, httpApp, issuer, migratedSchema } from './harness.ts';

const db = await migratedSchema('fraud_handler');
const defaultRules: SessionRules = { gapMs: 3_600_000, limit: 200_000 };

/** The consumer's handler as the kit wires it: in a transaction on `pool`, with the inbox of `fraud`. */
function handler(options: { pool?: Pool; rules?: SessionRules } = {}): MessageHandler {
  const judge = judgeOrders({
    rules: options.rules ?? defaultRules,
    validationsTopic: topics.orderValidations,
  });
  return asMessageHandler(judge, { pool: options.pool ?? db.pool, consumer: 'fraud' });
}

/** The verdict of each order, from the table the handler writes in the same transaction as the outbox row. */
async function verdicts(
  customerId: string,
): Promise<{ amount: number; result: string; reason: string | null }[]> {
  const result = await db.pool.query(
    `SELECT amount::int, result, reason FROM session_orders WHERE customer_id = $1
     ORDER BY order_created_at, counted_at`,
    [customerId],
  );
  return result.rows;
}

describe('the fraud handler', () => {
  test('a customer ordering 1000.00 twice within the hour fails the second order; another customer is unaffected', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const handle = handler();
      const start = new Date();
      const first = orderCreated({ total: 100_000, at: start });
      const second = orderCreated({ customerId: first.customerId, total: 100_000, at: after(start, 60_000) });
      const other = orderCreated({ total: 100_000, at: after(start, 120_000) });

      for (const event of [first, second, other]) await handle(consumed(event), handlerContext());

      const published = (await readInserts()).map((insert) => ({
        line: insert.line,
        event: orderValidationEventSchema.parse(insert.payload),
      }));
      assert.deepEqual(
        published.map(({ event }) => [event.orderId, event.check, event.result, event.reason]),
        [
          [first.orderId, 'FRAUD', 'PASS', null],
          [second.orderId, 'FRAUD', 'FAIL', 'order value in session reaches 2000.00 EUR (limit 2000.00)'],
          [other.orderId, 'FRAUD', 'PASS', null],
        ],
      );
      for (const { line, event } of published) {
        assert.ok(line.includes("aggregatetype[text]:'microshop.order-validations'"), line);
        assert.ok(line.includes(`aggregateid[text]:'${event.orderId}'`), 'keyed by order id');
        assert.ok(line.includes(`id[uuid]:'${event.id}'`), 'the row id is the event id');
      }
    });
  });

  test('an order more than the configured gap after the last one starts a new session', async () => {
    const handle = handler({ rules: { gapMs: 200, limit: 200_000 } });
    const start = new Date();
    const customerId = randomUUID();
    const orders = [
      orderCreated({ customerId, total: 150_000, at: start }),
      orderCreated({ customerId, total: 150_000, at: after(start, 201) }), // gap passed: new session
      orderCreated({ customerId, total: 50_000, at: after(start, 401) }), // joins the second: 2000.00
    ];

    for (const event of orders) await handle(consumed(event), handlerContext());

    assert.deepEqual(
      (await verdicts(customerId)).map((v) => v.result),
      ['PASS', 'PASS', 'FAIL'],
    );
  });

  test('a redelivered order is counted once and judged once', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const handle = handler();
      const order = orderCreated({ total: 150_000 });
      const message = consumed(order);

      await handle(message, handlerContext());
      await handle(message, handlerContext());
      // The same order announced again under a new event id (a producer retry) is recognised by its order id.
      await handle(consumed({ ...order, id: randomUUID() }), handlerContext());

      assert.deepEqual(await verdicts(order.customerId), [{ amount: 150_000, result: 'PASS', reason: null }]);
      const session = await db.pool.query(
        'SELECT total::int, order_count FROM current_sessions WHERE customer_id = $1',
        [order.customerId],
      );
      assert.deepEqual(session.rows, [{ total: 150_000, order_count: 1 }]);
      const mine = (await readInserts()).filter((insert) => insert.payload.orderId === order.orderId);
      assert.equal(mine.length, 1);
    });
  });

  test('the session survives a restart: a handler on a new pool goes on counting where the last one stopped', async () => {
    const customerId = randomUUID();
    const start = new Date();
    await handler()(consumed(orderCreated({ customerId, total: 150_000, at: start })), handlerContext());

    const restartedPool = createPool({
      connectionString: db.url,
      schema: db.name,
      applicationName: 'fraud-2',
    });
    try {
      const restarted = handler({ pool: restartedPool });
      await restarted(
        consumed(orderCreated({ customerId, total: 60_000, at: after(start, 1_000) })),
        handlerContext(),
      );
    } finally {
      await restartedPool.end();
    }

    assert.deepEqual(
      (await verdicts(customerId)).map((v) => v.result),
      ['PASS', 'FAIL'],
    );
  });

  test('two instances counting one customer at once lose no order: the session adds up and the right number fail', async () => {
    const second = createPool({ connectionString: db.url, schema: db.name, applicationName: 'fraud-2' });
    try {
      const instances = [db.pool, second].map((pool) => handler({ pool }));
      const customerId = randomUUID();
      const start = new Date();
      const orders = Array.from({ length: 10 }, (_, i) =>
        orderCreated({ customerId, total: 30_000, at: after(start, i) }),
      );

      await Promise.all(
        orders.map((event, i) =>
          retryingRetriable(() => instances[i % 2]?.(consumed(event), handlerContext())),
        ),
      );

      const counted = await verdicts(customerId);
      assert.equal(counted.length, 10);
      // Running totals 300.00 … 3000.00: the four reaching 2100.00 and more fail, whoever counted them.
      assert.equal(counted.filter((v) => v.result === 'FAIL').length, 4);
      const session = await db.pool.query('SELECT total::int FROM current_sessions WHERE customer_id = $1', [
        customerId,
      ]);
      assert.deepEqual(session.rows, [{ total: 300_000 }]);
    } finally {
      await second.end();
    }
  });

  test('only OrderCreated is judged: other status events and unknown types are skipped without an inbox row', async () => {
    const handle = handler();
    const created = orderCreated();
    const validated = { ...created, id: randomUUID(), type: 'OrderValidated', status: 'VALIDATED' };
    const unknown = { id: randomUUID(), type: 'SomethingNew' };

    await handle(consumed(validated), handlerContext());
    await handle(consumed(unknown), handlerContext());
    await handle({ ...consumed(created), value: null }, handlerContext()); // a tombstone

    const inbox = await db.pool.query('SELECT 1 FROM inbox WHERE event_id = ANY($1)', [
      [validated.id, unknown.id],
    ]);
    assert.equal(inbox.rowCount, 0);
    assert.deepEqual(await verdicts(created.customerId), []);
  });

  test('an OrderCreated that breaks its schema is refused as non-retriable, so it is dead-lettered', async () => {
    const handle = handler();
    const broken = { ...orderCreated(), order: { total: 'a lot' } };

    await assert.rejects(handle(consumed(broken), handlerContext()), (error) => {
      assert.ok(isAppError(error));
      assert.equal(error.code, 'VALIDATION_FAILED');
      assert.equal(error.retriable, false);
      return true;
    });
  });

  test('operators see the sessions of a customer, newest first, with the orders and verdicts in each', async () => {
    const handle = handler({ rules: { gapMs: 1_000, limit: 200_000 } });
    const app = await httpApp(db);
    const customerId = randomUUID();
    const start = new Date('2025-03-01T10:00:00.000Z');
    const orders = [
      orderCreated({ customerId, total: 150_000, at: start }),
      orderCreated({ customerId, total: 60_000, at: after(start, 500) }),
      orderCreated({ customerId, total: 10_000, at: after(start, 5_000) }),
    ];
    for (const event of orders) await handle(consumed(event), handlerContext());

    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/fraud/customers/${customerId}/sessions`,
      headers: asOperator,
    });
    const asCustomer = await app.inject({
      method: 'GET',
      url: `/api/v1/fraud/customers/${customerId}/sessions`,
      headers: (await issuer.customer(customerId)).headers,
    });
    await app.close();

    assert.equal(asCustomer.statusCode, 403, 'sessions are for operators, even about oneself');

    assert.equal(response.statusCode, 200);
    const reason = 'order value in session reaches 2100.00 EUR (limit 2000.00)';
    const view = (event: (typeof orders)[number], result: string, why: string | null = null) => ({
      orderId: event.orderId,
      amount: event.order.total,
      createdAt: event.order.createdAt,
      result,
      reason: why,
    });
    assert.deepEqual(response.json(), {
      customerId,
      sessions: [
        {
          currency: 'EUR',
          startedAt: '2025-03-01T10:00:05.000Z',
          lastOrderAt: '2025-03-01T10:00:05.000Z',
          total: 10_000,
          orderCount: 1,
          current: true,
          orders: [view(orders[2] as (typeof orders)[number], 'PASS')],
        },
        {
          currency: 'EUR',
          startedAt: '2025-03-01T10:00:00.000Z',
          lastOrderAt: '2025-03-01T10:00:00.500Z',
          total: 210_000,
          orderCount: 2,
          current: false,
          orders: orders
            .slice(0, 2)
            .map((event, i) => view(event, i === 0 ? 'PASS' : 'FAIL', i === 0 ? null : reason)),
        },
      ],
    });
  });
});

/** What the consumer does with a retriable failure (a first order of a customer counted twice at once). */
async function retryingRetriable(fn: () => Promise<void> | undefined): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await fn();
      return;
    } catch (error) {
      if (!isAppError(error) || !error.retriable || attempt >= 5) throw error;
    }
  }
}
