// The validation aggregator decides once per order. After an order is decided, results arriving again
// (a redelivery: the same event id) or late (a contradicting result under a new event id) are
// produced to microshop.order-validations: the decision, the decisions topic and the order stay as
// they were (an aggregator that merely counted PASS messages would let a duplicate decide twice).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type OrderValidationEvent,
  orderValidationEventSchema,
  topics,
  validatorOf,
} from '@microshop/contracts';
import { eventIdOf, type OutgoingMessage } from '@microshop/platform';
import type { CollectedMessage } from '@microshop/platform/testing';
import { api, eventually, type OrderBody } from './lib/api.ts';
import { inboxHas } from './lib/db.ts';
import {
  allMessagesAbout,
  countByOrder,
  decisionsOf,
  messagesAbout,
  produce,
  sameBytes,
  waitForGroups,
} from './lib/kafka.ts';
import {
  awaitStatus,
  describeOrder,
  placeOrder,
  putProduct,
  registerCustomer,
  timelineOf,
  uniqueSku,
} from './lib/shop.ts';
import { instanceUrls } from './lib/stack.ts';

interface Validations {
  orderId: string;
  results: { check: string; result: string; reason: string | null; eventId: string }[];
  decision: { outcome: string; reasons: string[]; eventId: string; decidedAt: string } | null;
}

async function validationsOf(orderId: string): Promise<Validations> {
  const [aggregator] = instanceUrls('validation-aggregator');
  const res = await api<Validations>('GET', `/api/v1/validations/${orderId}`, { baseUrl: aggregator });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** The three results of the order as the validators published them. */
async function publishedResults(orderId: string): Promise<CollectedMessage[]> {
  const results = await messagesAbout(topics.orderValidations, [orderId], {
    until: (mine) => new Set(mine.map((m) => (m.value as OrderValidationEvent).check)).size === 3,
  });
  for (const m of results) orderValidationEventSchema.parse(m.value);
  return results;
}

/** A result no validator sent: the envelope of `orderValidationEventSchema` under a new event id. */
function lateResult(
  like: CollectedMessage,
  change: Pick<OrderValidationEvent, 'check' | 'result' | 'reason'>,
): OutgoingMessage {
  const original = orderValidationEventSchema.parse(like.value);
  const event = orderValidationEventSchema.parse({
    ...original,
    ...change,
    source: validatorOf[change.check],
    id: randomUUID(),
    occurredAt: new Date().toISOString(),
  });
  return {
    topic: topics.orderValidations,
    key: like.key,
    value: JSON.stringify(event),
    headers: { ...like.headers, id: event.id },
  };
}

/**
 * Produces the messages, waits until the aggregator's group has handled them, and checks that
 * nothing about the decided order changed. A sentinel order decided afterwards proves that a
 * decision written in the meantime would have reached the topic before the assertions read it.
 * `order` is the order as it ended (DELIVERED or FAILED) and `path` every status it went through.
 */
async function assertNothingChanges(
  order: OrderBody,
  path: string[],
  messages: OutgoingMessage[],
  sentinelCustomer: string,
) {
  // All three results handled first (the aggregator decides on the first FAIL, before the others arrive).
  const before = await eventually('the aggregator to hold all three results', async () => {
    const v = await validationsOf(order.id);
    return v.results.length === 3 ? v : undefined;
  });
  assert.ok(before.decision, 'decided before the redelivery');
  const targets = await produce(messages);
  await waitForGroups(['validation-aggregator'], targets);

  // Handled (recorded in its inbox), not parked on the dead-letter topic as unreadable.
  const ids = messages.map((m) => eventIdOf({ id: String(m.headers?.id) }, null) ?? '');
  assert.deepEqual(
    (await inboxHas('validation_aggregator', 'validation-aggregator', ids)).sort(),
    [...new Set(ids)].sort(),
  );

  const after = await validationsOf(order.id);
  assert.deepEqual(after.decision, before.decision, 'the one decision is kept as it was');
  assert.deepEqual(after.results, before.results, 'the first result of each check wins');

  const sentinel = await awaitStatus((await placeOrder(sentinelCustomer, order.items)).id);
  await decisionsOf([sentinel.id]);
  const decisions = await allMessagesAbout(topics.orderDecisions, [order.id]);
  assert.equal(countByOrder(decisions).get(order.id), 1, 'exactly one decision on microshop.order-decisions');

  const now = await api<OrderBody>('GET', `/api/v1/orders/${order.id}`);
  assert.equal(now.body.status, order.status, describeOrder(now.body));
  assert.deepEqual(now.body.reasons, order.reasons);
  assert.equal(now.body.updatedAt, order.updatedAt, 'not touched');
  assert.deepEqual(await timelineOf(order.id, path.at(-1) ?? ''), path);
}

describe('the validation aggregator', () => {
  it('keeps the one decision of a validated (and since delivered) order when a PASS is redelivered and late FAILs arrive', async () => {
    const sku = uniqueSku('E2E-AGG');
    await putProduct(sku, { unitPrice: 1200, stock: 10 });
    const [customer, sentinelCustomer] = await Promise.all([registerCustomer(), registerCustomer()]);
    // Validated, the order goes on through the saga: the late results arrive once it has ended, so
    // a second decision would show on the topic and in the aggregator, not only as a refused move.
    const placed = await placeOrder(customer.id, [{ sku, quantity: 1, unitPrice: 1200 }]);
    const decided = await awaitStatus(placed.id);
    assert.notEqual(decided.status, 'FAILED', describeOrder(decided));
    const order = await awaitStatus(placed.id, ['DELIVERED', 'FAILED', 'CANCELLED']);
    assert.equal(order.status, 'DELIVERED', describeOrder(order));

    const results = await publishedResults(order.id);
    const pass = results.find((m) => (m.value as OrderValidationEvent).check === 'INVENTORY');
    assert.ok(pass);
    await assertNothingChanges(
      order,
      ['CREATED', 'VALIDATED', 'APPROVED', 'SHIPPED', 'DELIVERED'],
      [
        sameBytes(pass),
        lateResult(pass, { check: 'FRAUD', result: 'FAIL', reason: 'late e2e FAIL' }),
        lateResult(pass, { check: 'INVENTORY', result: 'FAIL', reason: 'late e2e FAIL' }),
      ],
      sentinelCustomer.id,
    );
  });

  it('keeps the one decision of a rejected order when its FAIL is redelivered and late PASSes arrive', async () => {
    const sku = uniqueSku('E2E-AGG-EMPTY');
    await putProduct(sku, { unitPrice: 1300, stock: 0 });
    const [customer, sentinelCustomer] = await Promise.all([registerCustomer(), registerCustomer()]);
    const order = await awaitStatus(
      (await placeOrder(customer.id, [{ sku, quantity: 1, unitPrice: 1300 }])).id,
    );
    assert.equal(order.status, 'FAILED', describeOrder(order));

    const results = await publishedResults(order.id);
    const fail = results.find((m) => (m.value as OrderValidationEvent).result === 'FAIL');
    assert.ok(fail, 'inventory failed it');
    await assertNothingChanges(
      order,
      ['CREATED', 'FAILED'],
      [sameBytes(fail), lateResult(fail, { check: 'INVENTORY', result: 'PASS', reason: null })],
      sentinelCustomer.id,
    );
  });
});
