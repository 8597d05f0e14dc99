import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { type ExpireOrderCommand, expireOrderCommandSchema, topics } from '@microshop/contracts';
import { type HttpApp, startPeriodicTask } from '@microshop/platform';
import {
  eventually,
  newTraceparent,
  recordSpans,
  traceIdOf,
  withDecodingSlot,
  withTraceHeader,
} from '@microshop/platform/testing';
import type { Deadlines } from '../src/domain/deadlines.ts';
import { expireDueOrders, type WatchdogOptions, watchOrders } from '../src/tasks/watchdog.ts';
import { consumed, orderEvent, orderHistory } from './fixtures.ts';
import { asOperator, handlerContext, httpApp, logger, migratedSchema, orderEventHandler } from './harness.ts';

const db = await migratedSchema('order_background_watchdog');
// Events flow at every time these tests use (how pauses move deadlines is flow.int.test.ts's subject).
await db.pool.query(`UPDATE event_flow SET last_proof_at = '2999-01-01T00:00:00Z'`);
const handle = orderEventHandler(db.pool);
const deadlines: Deadlines = { CREATED: 1_000, VALIDATED: 2_000, APPROVED: 3_000, SHIPPED: 4_000 };

function watchdog(overrides: Partial<WatchdogOptions> = {}): WatchdogOptions {
  return {
    pool: db.pool,
    deadlines,
    flowThresholdMs: 10_000,
    commandsTopic: topics.orderCommands,
    logger,
    ...overrides,
  };
}

/** The watchdog as the kit runs it: a periodic task, one pass at a time. */
function startWatchdog(intervalMs: number) {
  return startPeriodicTask({ name: 'watchdog', intervalMs, logger, run: () => expireDueOrders(watchdog()) });
}

async function deliver(...events: Parameters<typeof consumed>[0][]): Promise<void> {
  for (const event of events) await handle(consumed(event), handlerContext());
}

async function sentMarks(orderId: string): Promise<{ status: string; command: string }[]> {
  const result = await db.pool.query(
    `SELECT status, expiry_command_id::text AS command FROM order_deadlines
     WHERE order_id = $1 AND expiry_sent_at IS NOT NULL ORDER BY status`,
    [orderId],
  );
  return result.rows;
}

const later = (from: string, ms: number) => new Date(Date.parse(from) + ms);

interface AttentionEntry {
  orderId: string;
  customerId: string | null;
  currentStatus: string | null;
  status: string;
  reason: string;
  since: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

/** The order's entries on the operators' attention list, as GET /api/v1/attention/orders answers. */
async function attentionOf(app: HttpApp, state: string, orderId: string): Promise<AttentionEntry[]> {
  const response = await app.inject({
    method: 'GET',
    url: `/api/v1/attention/orders?state=${state}`,
    headers: asOperator,
  });
  assert.equal(response.statusCode, 200, response.body);
  const { orders } = response.json() as { orders: AttentionEntry[] };
  return orders.filter((entry) => entry.orderId === orderId);
}

describe('the watchdog', () => {
  test('a CREATED order past its deadline gets exactly one ExpireOrder, even with two watchdog loops running', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const stuck = orderEvent('CREATED', { at: new Date(Date.now() - 10_000) });
      await deliver(stuck);

      const loops = [startWatchdog(10), startWatchdog(10)];
      const marks = await eventually('the expiry to be marked sent', async () => {
        const found = await sentMarks(stuck.orderId);
        return found.length > 0 ? found : null;
      });
      await new Promise((resolve) => setTimeout(resolve, 200)); // many more passes of both loops
      await Promise.all(loops.map((loop) => loop.stop()));

      const inserts = (await readInserts()).filter((insert) => insert.payload.orderId === stuck.orderId);
      assert.equal(inserts.length, 1, 'one command in the WAL');
      const command = expireOrderCommandSchema.parse(inserts[0]?.payload);
      assert.deepEqual(
        { ...command, id: '', occurredAt: '' },
        {
          id: '',
          type: 'ExpireOrder',
          occurredAt: '',
          source: 'order-background',
          orderId: stuck.orderId,
          expectedStatus: 'CREATED',
          reason: 'TIMEOUT',
          deadlineAt: later(stuck.order.updatedAt, 1_000).toISOString(),
        },
      );
      assert.ok(inserts[0]?.line.includes("aggregatetype[text]:'microshop.order-commands'"));
      assert.ok(inserts[0]?.line.includes(`aggregateid[text]:'${stuck.orderId}'`), 'keyed by order id');
      assert.deepEqual(marks, [{ status: 'CREATED', command: command.id }]);
    });
  });

  test('an order that ended gets no command and no flag, however late it is', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const history = orderHistory(['CREATED', 'VALIDATED', 'APPROVED', 'SHIPPED', 'DELIVERED']);
      const [created, , , , delivered] = history;
      assert.ok(created && delivered);
      await deliver(...history);

      const pass = await watchOrders(watchdog({ now: () => later(delivered.order.updatedAt, 86_400_000) }));

      assert.deepEqual(
        [...pass.commands, ...pass.flags].filter((action) => action.orderId === created.orderId),
        [],
      );
      assert.deepEqual(
        (await readInserts()).filter((insert) => insert.payload.orderId === created.orderId),
        [],
      );
    });
  });

  test('an order stuck in APPROVED past its deadline gets one ExpireOrder for APPROVED', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const history = orderHistory(['CREATED', 'VALIDATED', 'APPROVED']);
      const approved = history[2];
      assert.ok(approved);
      await deliver(...history);
      const mine = (sent: ExpireOrderCommand[]) => sent.filter((c) => c.orderId === approved.orderId);

      const early = await expireDueOrders(watchdog({ now: () => later(approved.order.updatedAt, 2_999) }));
      const due = await expireDueOrders(watchdog({ now: () => later(approved.order.updatedAt, 3_000) }));
      const again = await expireDueOrders(watchdog({ now: () => later(approved.order.updatedAt, 9_000) }));

      assert.deepEqual([mine(early).length, mine(again).length], [0, 0]);
      assert.deepEqual(
        mine(due).map((c) => [c.expectedStatus, c.reason, c.deadlineAt]),
        [['APPROVED', 'TIMEOUT', later(approved.order.updatedAt, 3_000).toISOString()]],
      );
      const inserts = (await readInserts()).filter((insert) => insert.payload.orderId === approved.orderId);
      assert.deepEqual(
        inserts.map((insert) => insert.payload.expectedStatus),
        ['APPROVED'],
      );
    });
  });

  test('the ExpireOrder goes on in the trace the order entered its status in', async () => {
    const spans = recordSpans();
    const orderTrace = newTraceparent();
    const history = orderHistory(['CREATED', 'VALIDATED', 'APPROVED']);
    const approved = history[2];
    assert.ok(approved);
    for (const event of history) await handle(withTraceHeader(consumed(event), orderTrace), handlerContext());

    await expireDueOrders(watchdog({ now: () => later(approved.order.updatedAt, 3_000) }));

    const sent = await db.pool.query<{ traceparent: string }>(
      `SELECT traceparent FROM outbox WHERE type = 'ExpireOrder' AND payload->>'orderId' = $1`,
      [approved.orderId],
    );
    assert.deepEqual(
      sent.rows.map((row) => traceIdOf(row.traceparent)),
      [traceIdOf(orderTrace)],
    );
    const ended = spans.ended().filter((span) => span.spanContext().traceId === traceIdOf(orderTrace));
    const reached = ended.find((span) => span.name === `handle ${approved.type}`);
    const deadline = ended.find((span) => span.name === 'deadline of APPROVED passed');
    assert.ok(reached && deadline, ended.map((span) => span.name).join(', '));
    assert.equal(deadline.parentSpanContext?.spanId, reached.spanContext().spanId);
  });

  test('an order SHIPPED past its deadline is flagged for operators (no command) until its delivery is reported', async (t) => {
    const app = await httpApp(db);
    t.after(() => app.close());
    const history = orderHistory(['CREATED', 'VALIDATED', 'APPROVED', 'SHIPPED', 'DELIVERED']);
    const [, , , shipped, delivered] = history;
    assert.ok(shipped && delivered);
    await deliver(...history.slice(0, 4));
    const open: number[] = [];
    const options = watchdog({
      now: () => later(shipped.order.updatedAt, 4_000),
      onAttention: (n) => open.push(n),
    });

    const pass = await watchOrders(options);
    await watchOrders(options);

    assert.deepEqual(
      pass.commands.filter((c) => c.orderId === shipped.orderId),
      [],
    );
    assert.deepEqual(
      pass.flags.filter((f) => f.orderId === shipped.orderId).map((f) => [f.status, f.reason]),
      [['SHIPPED', 'NO_DELIVERY_REPORTED']],
    );
    const listed = await attentionOf(app, 'open', shipped.orderId);
    assert.deepEqual(
      listed.map((entry) => [entry.customerId, entry.currentStatus, entry.status, entry.reason, entry.since]),
      [[shipped.customerId, 'SHIPPED', 'SHIPPED', 'NO_DELIVERY_REPORTED', shipped.order.updatedAt]],
    );
    assert.ok(open.length === 2 && (open[0] ?? 0) >= 1 && open[0] === open[1], 'flagged once, counted');

    await deliver(delivered);

    assert.deepEqual(await attentionOf(app, 'open', shipped.orderId), []);
    const resolved = await attentionOf(app, 'resolved', shipped.orderId);
    assert.deepEqual(
      resolved.map((entry) => [entry.resolvedBy, entry.resolvedAt]),
      [['DELIVERED', delivered.order.updatedAt]],
    );
  });

  test('an order is expired only once its deadline has passed, and only once', async () => {
    const created = orderEvent('CREATED');
    await deliver(created);
    const mine = (sent: { orderId: string }[]) =>
      sent.filter((command) => command.orderId === created.orderId);

    const early = await expireDueOrders(watchdog({ now: () => later(created.order.updatedAt, 999) }));
    const due = await expireDueOrders(watchdog({ now: () => later(created.order.updatedAt, 1_000) }));
    const again = await expireDueOrders(watchdog({ now: () => later(created.order.updatedAt, 5_000) }));

    assert.equal(mine(early).length, 0);
    assert.equal(mine(due).length, 1);
    assert.equal(mine(again).length, 0);
  });

  test('an order that moved on to VALIDATED after a CREATED expiry can still expire once for VALIDATED', async () => {
    const [created, validated] = orderHistory(['CREATED', 'VALIDATED']);
    assert.ok(created && validated);
    await deliver(created);
    await expireDueOrders(watchdog({ now: () => later(created.order.updatedAt, 1_000) }));
    // The orders service validated the order before applying the command: it refused the expiry.
    await deliver(validated);
    await deliver(created); // a replayed CREATED must not bring the CREATED deadline back

    const sent = await expireDueOrders(watchdog({ now: () => later(validated.order.updatedAt, 2_000) }));
    await expireDueOrders(watchdog({ now: () => later(validated.order.updatedAt, 9_000) }));

    assert.deepEqual(
      sent.filter((command) => command.orderId === created.orderId).map((command) => command.expectedStatus),
      ['VALIDATED'],
    );
    assert.deepEqual(
      (await sentMarks(created.orderId)).map((mark) => mark.status),
      ['CREATED', 'VALIDATED'],
    );
  });

  test('passes running at once on many due orders send one command per order between them', async () => {
    const customerId = randomUUID();
    const start = new Date(Date.now() - 60_000);
    const events = Array.from({ length: 30 }, () => orderEvent('CREATED', { customerId, at: start }));
    await deliver(...events);
    const ids = new Set(events.map((event) => event.orderId));

    const passes = await Promise.all(
      Array.from({ length: 4 }, () => expireDueOrders(watchdog({ batchSize: 5 }))),
    );

    const sent = passes.flat().filter((command) => ids.has(command.orderId));
    assert.equal(sent.length, 30);
    assert.equal(new Set(sent.map((command) => command.orderId)).size, 30);
  });
});
