import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { decide, evolve, type Session, type SessionOrder, type SessionRules } from '../src/domain/session.ts';

const rules: SessionRules = { gapMs: 3_600_000, limit: 200_000 };
const customerId = randomUUID();
const t0 = new Date('2025-03-01T10:00:00.000Z');

function order(total: number, atMs: number, currency = 'EUR'): SessionOrder {
  return { customerId, currency, total, createdAt: new Date(t0.getTime() + atMs).toISOString() };
}

/** decide, then evolve with what it decided, as the handler does: the session after, the verdict, opened or joined. */
function countOrder(session: Session | null, next: SessionOrder, rulesOf: SessionRules) {
  const [counted] = decide({ type: 'CountOrder', order: next }, session, rulesOf);
  assert.ok(counted, 'decide counts every order');
  return { session: evolve(session, counted), verdict: counted.verdict, opened: counted.opened };
}

/** Applies the orders one after another, as the handler does, and returns every outcome. */
function run(orders: SessionOrder[], start: Session | null = null) {
  let session = start;
  return orders.map((next) => {
    const outcome = countOrder(session, next, rules);
    session = outcome.session;
    return outcome;
  });
}

describe('decide and evolve of a session', () => {
  test('the first order opens a session holding just that order, and passes', () => {
    const outcome = countOrder(null, order(50_000, 0), rules);

    assert.deepEqual(outcome, {
      session: { customerId, currency: 'EUR', startedAt: t0, lastOrderAt: t0, total: 50_000, orderCount: 1 },
      verdict: { result: 'PASS' },
      opened: true,
    });
  });

  test('orders within the gap accumulate in one session', () => {
    const [, second] = run([order(50_000, 0), order(70_000, 60_000)]);

    assert.deepEqual(second?.session, {
      customerId,
      currency: 'EUR',
      startedAt: t0,
      lastOrderAt: new Date(t0.getTime() + 60_000),
      total: 120_000,
      orderCount: 2,
    });
    assert.equal(second?.opened, false);
    assert.deepEqual(second?.verdict, { result: 'PASS' });
  });

  test('an order that brings the session exactly to the limit fails, naming the total and the limit', () => {
    const [, second] = run([order(100_000, 0), order(100_000, 1_000)]);

    assert.deepEqual(second?.verdict, {
      result: 'FAIL',
      reason: 'order value in session reaches 2000.00 EUR (limit 2000.00)',
    });
  });

  test('a session total one cent under the limit passes', () => {
    const [, second] = run([order(100_000, 0), order(99_999, 1_000)]);

    assert.equal(second?.session.total, 199_999);
    assert.deepEqual(second?.verdict, { result: 'PASS' });
  });

  test('every later order of a session over the limit fails too, and still counts', () => {
    const [, , third] = run([order(150_000, 0), order(60_000, 1_000), order(1, 2_000)]);

    assert.equal(third?.session.total, 210_001);
    assert.equal(third?.session.orderCount, 3);
    assert.deepEqual(third?.verdict, {
      result: 'FAIL',
      reason: 'order value in session reaches 2100.01 EUR (limit 2000.00)',
    });
  });

  test('a single order at or above the limit fails on its own', () => {
    const outcome = countOrder(null, order(250_000, 0), rules);

    assert.deepEqual(outcome.verdict, {
      result: 'FAIL',
      reason: 'order value in session reaches 2500.00 EUR (limit 2000.00)',
    });
  });

  test('an order more than the gap after the last order opens a new session', () => {
    const [, , third] = run([
      order(150_000, 0),
      order(40_000, 3_000_000), // within the hour after the first
      order(100_000, 3_000_000 + 3_600_001), // just over an hour after the second
    ]);

    assert.equal(third?.opened, true);
    assert.deepEqual(third?.session.total, 100_000);
    assert.deepEqual(third?.session.startedAt, new Date(t0.getTime() + 6_600_001));
    assert.deepEqual(third?.verdict, { result: 'PASS' });
  });

  test('an order exactly the gap after the last order still joins its session', () => {
    const [, second] = run([order(150_000, 0), order(50_000, 3_600_000)]);

    assert.equal(second?.opened, false);
    assert.equal(second?.verdict.result, 'FAIL');
  });

  test('the gap is measured from the last order, so a long busy session keeps going', () => {
    const outcomes = run([0, 1, 2, 3].map((hour) => order(60_000, hour * 3_000_000)));

    assert.deepEqual(
      outcomes.map((o) => o.verdict.result),
      ['PASS', 'PASS', 'PASS', 'FAIL'],
    );
    assert.deepEqual(outcomes[3]?.session.startedAt, t0);
  });

  test('currencies are separate sessions: the caller passes the session of the order currency only', () => {
    const [eur] = run([order(150_000, 0, 'EUR')]);
    assert.ok(eur);

    const usd = countOrder(null, order(150_000, 1_000, 'USD'), rules);

    assert.deepEqual(usd.verdict, { result: 'PASS' });
    assert.throws(
      () => countOrder(eur.session, order(150_000, 1_000, 'USD'), rules),
      /session of .*\/EUR given for an order of .*\/USD/,
    );
  });

  test('a late order joins the session without moving its last order time back', () => {
    const [, late] = run([order(10_000, 600_000), order(10_000, 0)]);

    assert.equal(late?.opened, false);
    assert.deepEqual(late?.session.lastOrderAt, new Date(t0.getTime() + 600_000));
    assert.equal(late?.session.total, 20_000);
  });

  test('a session total beyond 2^53 − 1 saturates instead of losing precision', () => {
    const huge = countOrder(null, order(Number.MAX_SAFE_INTEGER - 1, 0), rules);

    const next = countOrder(huge.session, order(10, 1), rules);

    assert.equal(next.session.total, Number.MAX_SAFE_INTEGER);
    assert.equal(next.verdict.result, 'FAIL');
  });
});
