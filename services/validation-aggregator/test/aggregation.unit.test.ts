import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type OrderValidationEvent, validationDecisionSchema } from '@microshop/contracts';
import { type AggregateState, decide, type Step } from '../src/domain/aggregation.ts';
import { allPass, validation } from './fixtures.ts';

const orderId = '3f2b8c1a-6d4e-4f0a-9b1c-2d3e4f5a6b7c';
const now = new Date('2025-03-01T10:00:00.000Z');
let ids = 0;
const stamp = () => ({ now, eventId: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}` });
const empty: AggregateState = { results: [], decision: null };

/** Feeds the events one by one as the store would: results and decision carried over. */
function run(events: readonly OrderValidationEvent[], start: AggregateState = empty) {
  let state = start;
  const steps: Step[] = [];
  for (const event of events) {
    const step = decide(state, event, stamp());
    steps.push(step);
    state = { results: step.results, decision: step.decision ?? state.decision };
  }
  return { state, steps, emitted: steps.flatMap((step) => (step.emit ? [step.emit] : [])) };
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

const fail = (check: 'FRAUD' | 'INVENTORY' | 'ORDER_DETAILS', reason: string) =>
  validation(check, 'FAIL', { orderId, reason });
const pass = (check: 'FRAUD' | 'INVENTORY' | 'ORDER_DETAILS') => validation(check, 'PASS', { orderId });

describe('deciding on an order', () => {
  test('three PASS in any of the six arrival orders make exactly one OrderValidated, on the last one', () => {
    for (const order of permutations(allPass(orderId))) {
      const { steps, emitted } = run(order);

      assert.deepEqual(
        steps.map((step) => step.kind),
        ['pending', 'pending', 'decided'],
      );
      assert.equal(emitted.length, 1);
      const decision = validationDecisionSchema.parse(emitted[0]);
      assert.equal(decision.type, 'OrderValidated');
      assert.equal(decision.orderId, orderId);
      assert.equal(decision.source, 'validation-aggregator');
    }
  });

  test('the first FAIL makes OrderRejected at once, with the reason known then', () => {
    const { steps, emitted, state } = run([pass('FRAUD'), fail('INVENTORY', 'insufficient stock: JUMPERS')]);

    assert.deepEqual(
      steps.map((step) => step.kind),
      ['pending', 'decided'],
    );
    assert.deepEqual(emitted, [
      {
        id: emitted[0]?.id,
        type: 'OrderRejected',
        occurredAt: now.toISOString(),
        source: 'validation-aggregator',
        orderId,
        reasons: ['INVENTORY: insufficient stock: JUMPERS'],
      },
    ]);
    assert.deepEqual(state.decision, {
      outcome: 'REJECTED',
      reasons: ['INVENTORY: insufficient stock: JUMPERS'],
    });
  });

  test('a FAIL without a reason still names its check', () => {
    const event = { ...fail('FRAUD', 'x'), reason: null };
    const { emitted } = run([event]);
    assert.deepEqual(emitted[0]?.type === 'OrderRejected' && emitted[0].reasons, ['FRAUD: failed']);
  });

  test('a duplicated PASS neither completes the order nor is recorded twice', () => {
    const { steps, emitted, state } = run([pass('FRAUD'), pass('FRAUD'), pass('INVENTORY')]);

    assert.deepEqual(
      steps.map((step) => step.kind),
      ['pending', 'duplicate', 'pending'],
    );
    assert.equal(steps[1]?.recorded, undefined);
    assert.deepEqual(emitted, []);
    assert.equal(state.results.length, 2);
  });

  test('a late FAIL after VALIDATED changes nothing', () => {
    const validated = run(allPass(orderId));

    const late = decide(validated.state, fail('INVENTORY', 'insufficient stock: JUMPERS'), stamp());

    assert.equal(late.kind, 'contradicting');
    assert.equal(late.recorded, undefined);
    assert.equal(late.decision, undefined);
    assert.equal(late.emit, undefined);
    assert.deepEqual(late.results, validated.state.results);
  });

  test('a PASS after REJECTED is kept for the record but decides nothing', () => {
    const rejected = run([fail('FRAUD', 'session total over 2000.00')]);

    const { steps, emitted, state } = run([pass('INVENTORY'), pass('ORDER_DETAILS')], rejected.state);

    assert.deepEqual(
      steps.map((step) => step.kind),
      ['late', 'late'],
    );
    assert.deepEqual(emitted, []);
    assert.deepEqual(state.decision, { outcome: 'REJECTED', reasons: ['FRAUD: session total over 2000.00'] });
    assert.deepEqual(
      state.results.map((result) => [result.check, result.result]),
      [
        ['FRAUD', 'FAIL'],
        ['INVENTORY', 'PASS'],
        ['ORDER_DETAILS', 'PASS'],
      ],
    );
  });

  test('the same check twice with different results: the first one wins', () => {
    const passFirst = run([
      pass('FRAUD'),
      fail('FRAUD', 'too much'),
      pass('INVENTORY'),
      pass('ORDER_DETAILS'),
    ]);
    assert.deepEqual(
      passFirst.steps.map((step) => step.kind),
      ['pending', 'contradicting', 'pending', 'decided'],
    );
    assert.deepEqual(
      passFirst.emitted.map((event) => event.type),
      ['OrderValidated'],
    );

    const failFirst = run([fail('FRAUD', 'too much'), pass('FRAUD')]);
    assert.deepEqual(
      failFirst.steps.map((step) => step.kind),
      ['decided', 'contradicting'],
    );
    assert.deepEqual(failFirst.state.results, [{ check: 'FRAUD', result: 'FAIL', reason: 'too much' }]);
  });
});
