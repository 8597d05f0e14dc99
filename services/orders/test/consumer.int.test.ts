import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { topics } from '@microshop/contracts';
import {
  AppError,
  asMessageHandler,
  type ConsumedMessage,
  createLogger,
  type HandlerContext,
} from '@microshop/platform';
import { collectMessages, createConsumerTestBed, outboxInsertsDuring } from '@microshop/platform/testing';
import { defaultCommandDeps } from '../src/handlers/change-order.ts';
import { moveOrders } from '../src/handlers/inbound-messages.ts';
import { givenInstance, givenOrdersSchema, placeOrder, silentLogger } from './support.ts';

const db = await givenOrdersSchema('orders_consumer');
/** The consumer's handler as the kit wires it: in a transaction on the pool, with the inbox of `orders`. */
const handle = asMessageHandler(moveOrders(defaultCommandDeps), { pool: db.pool, consumer: 'orders' });

let offset = 0n;
/** A message as the platform consumer hands it over, with the envelope id as event id. */
function delivered(topic: string, value: Record<string, unknown>, eventId = randomUUID()): ConsumedMessage {
  const envelope = { id: eventId, occurredAt: new Date().toISOString(), source: 'test', ...value };
  return {
    topic,
    partition: 0,
    offset: offset++,
    key: typeof value.orderId === 'string' ? value.orderId : null,
    value: envelope,
    headers: { id: eventId },
    timestamp: new Date(),
    eventId,
  };
}

function capturingContext(): { context: HandlerContext; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ service: 'orders-test', level: 'debug', destination });
  return {
    context: { attempt: 1, signal: new AbortController().signal, logger },
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
  };
}

const context: HandlerContext = { attempt: 1, signal: new AbortController().signal, logger: silentLogger };

async function statusOf(orderId: string): Promise<{ status: string; reasons: string[]; history: string[] }> {
  const order = await db.pool.query('SELECT status, reasons FROM orders WHERE id = $1', [orderId]);
  const history = await db.pool.query(
    'SELECT status FROM order_status_history WHERE order_id = $1 ORDER BY seq',
    [orderId],
  );
  return { ...order.rows[0], history: history.rows.map((row) => row.status) };
}

async function inboxHas(eventId: string): Promise<boolean> {
  const result = await db.pool.query('SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2', [
    'orders',
    eventId,
  ]);
  return result.rowCount === 1;
}

describe('the orders message handler', () => {
  test('a validation decision moves a CREATED order to VALIDATED with its outbox event', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const message = delivered(topics.orderDecisions, { type: 'OrderValidated', orderId: order.id });
    const inserts = await outboxInsertsDuring(db, () => handle(message, context));

    assert.equal((await statusOf(order.id)).status, 'VALIDATED');
    assert.equal(inserts.length, 1);
    const payload = inserts[0]?.payload ?? {};
    assert.equal(payload.type, 'OrderValidated');
    assert.equal(payload.customerId, order.customerId);
    assert.ok(await inboxHas(message.eventId ?? ''));
  });

  test('a redelivered event (same event id) is applied once and then skipped by the inbox', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const message = delivered(topics.orderDecisions, {
      type: 'OrderRejected',
      orderId: order.id,
      reasons: ['INVENTORY: JUMPERS short'],
    });
    const capture = capturingContext();
    const inserts = await outboxInsertsDuring(db, async () => {
      await handle(message, capture.context);
      await handle({ ...message, offset: offset++ }, capture.context);
    });

    assert.equal(inserts.length, 1);
    assert.deepEqual((await statusOf(order.id)).history, ['CREATED', 'FAILED']);
    assert.deepEqual(
      capture.lines().map((line) => line.msg),
      ['order changed', 'event already handled; skipped'],
    );
  });

  test('a late decision after the order was cancelled changes nothing and is not an error', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    await app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/cancel` });
    const message = delivered(topics.orderDecisions, { type: 'OrderValidated', orderId: order.id });
    await handle(message, context);

    assert.deepEqual((await statusOf(order.id)).history, ['CREATED', 'CANCELLED']);
    assert.ok(await inboxHas(message.eventId ?? ''), 'recorded as handled, so it is not redelivered forever');
  });

  test('a failed payment moves the order to FAILED with the reason', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    await handle(delivered(topics.orderDecisions, { type: 'OrderValidated', orderId: order.id }), context);
    await handle(
      delivered(topics.payments, { type: 'PaymentFailed', orderId: order.id, reason: 'CARD_DECLINED' }),
      context,
    );

    const state = await statusOf(order.id);
    assert.equal(state.status, 'FAILED');
    assert.deepEqual(state.reasons, ['CARD_DECLINED']);
    const answer = (await app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}` })).json();
    assert.deepEqual(answer.reasons, ['CARD_DECLINED']);
  });

  test('ExpireOrder fails the order only while it is still in the expected status', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    await handle(delivered(topics.orderDecisions, { type: 'OrderValidated', orderId: order.id }), context);
    const expire = (expectedStatus: string) =>
      delivered(topics.orderCommands, {
        type: 'ExpireOrder',
        orderId: order.id,
        expectedStatus,
        reason: 'TIMEOUT',
        deadlineAt: new Date().toISOString(),
      });

    await handle(expire('CREATED'), context);
    assert.equal(
      (await statusOf(order.id)).status,
      'VALIDATED',
      'the order moved on before the command came',
    );
    await handle(expire('VALIDATED'), context);
    const state = await statusOf(order.id);
    assert.equal(state.status, 'FAILED');
    assert.deepEqual(state.reasons, ['TIMEOUT']);
  });

  test('ExpireOrder of an APPROVED order cancels it with reason TIMEOUT and publishes OrderCancelled', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    await handle(delivered(topics.orderDecisions, { type: 'OrderValidated', orderId: order.id }), context);
    const paid = {
      type: 'PaymentSucceeded',
      orderId: order.id,
      paymentId: 'ch_1',
      amount: 1,
      currency: 'EUR',
    };
    await handle(delivered(topics.payments, paid), context);
    const expire = delivered(topics.orderCommands, {
      type: 'ExpireOrder',
      orderId: order.id,
      expectedStatus: 'APPROVED',
      reason: 'TIMEOUT',
      deadlineAt: new Date().toISOString(),
    });

    const inserts = await outboxInsertsDuring(db, () => handle(expire, context));

    const state = await statusOf(order.id);
    assert.deepEqual([state.status, state.reasons], ['CANCELLED', ['TIMEOUT']]);
    assert.deepEqual(state.history, ['CREATED', 'VALIDATED', 'APPROVED', 'CANCELLED']);
    assert.deepEqual(
      inserts.map((insert) => [insert.payload.type, (insert.payload.order as { reasons: string[] }).reasons]),
      [['OrderCancelled', ['TIMEOUT']]],
    );
  });

  test('a message for an unknown order is refused as non-retriable and not recorded', async () => {
    const message = delivered(topics.orderDecisions, { type: 'OrderValidated', orderId: randomUUID() });
    await assert.rejects(handle(message, context), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'NOT_FOUND');
      assert.equal(error.retriable, false);
      return true;
    });
    assert.equal(await inboxHas(message.eventId ?? ''), false);
  });

  test('a message type the orders service does not handle (a refund) is skipped without error', async () => {
    const message = delivered(topics.payments, {
      type: 'PaymentRefunded',
      orderId: randomUUID(),
      amount: 100,
    });
    await handle(message, context);
    assert.equal(await inboxHas(message.eventId ?? ''), false);
  });

  test('an unparseable message is refused as non-retriable VALIDATION_FAILED naming the field', async () => {
    const badId = delivered(topics.orderDecisions, { type: 'OrderValidated', orderId: 'not-a-uuid' });
    await assert.rejects(handle(badId, context), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'VALIDATION_FAILED');
      assert.equal(error.retriable, false);
      assert.deepEqual(
        error.fields.map((f) => f.field),
        ['orderId'],
      );
      return true;
    });
    const noType = { ...delivered(topics.payments, {}), value: 'just text' };
    await assert.rejects(handle(noType, context), { code: 'VALIDATION_FAILED', retriable: false });
  });
});

describe('the orders consumer on a real Kafka', { timeout: 60_000 }, () => {
  test('consumes a decision from its topic and moves the order, parking a poison message on the dead-letter topic', async (t) => {
    const bed = await createConsumerTestBed(t, { prefix: 'orders-decisions', logger: silentLogger });
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    await bed.consume(
      asMessageHandler(moveOrders(defaultCommandDeps), { pool: db.pool, consumer: bed.groupId }),
    );

    const decision = delivered(bed.topic, { type: 'OrderValidated', orderId: order.id });
    await bed.producer.send([
      { topic: bed.topic, key: order.id, value: { type: 'OrderValidated', orderId: 'garbage' } },
      { topic: bed.topic, key: order.id, value: decision.value as object, headers: decision.headers },
    ]);
    const waited = await app.inject({
      method: 'GET',
      url: `/api/v1/orders/${order.id}?waitFor=VALIDATED&timeout=20000`,
    });

    assert.equal(waited.statusCode, 200, waited.body);
    assert.equal(waited.json().status, 'VALIDATED');
    const parked = await collectMessages({ topic: bed.deadLetterTopic, count: 1, timeoutMs: 20_000 });
    assert.deepEqual(parked[0]?.value, { type: 'OrderValidated', orderId: 'garbage' });
  });
});
