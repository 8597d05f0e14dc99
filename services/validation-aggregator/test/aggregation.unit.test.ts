import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type OrderValidationEvent, validationDecisionSchema } from '@microshop/contracts';
import {
  type AggregateState,
  type AggregatorEvent,
  decide,
  decisionEvent,
  evolve,
} from '../src/domain/aggregation.ts';
import { allPass, validation } from './fixtures.ts';

const orderId = '3f2b8c1a-6d4e-4f0a-9b1c-2d3e4f5a6b7c';
const now = new Date('2025-03-01T10:00:00.000Z');
let ids = 0;
const stamp = () => ({ at: now, id: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}` });
const empty: AggregateState = { results: [], decision: null };

/** What one result led to, in a word: `recorded`, `recorded, decided`, `duplicate` or `contradicting`. */
function summary(events: readonly AggregatorEvent[]): string {
  return events
    .map((event) => {
      if (event.type === 'ResultRecorded') return 'recorded';
      if (event.type === 'ResultIgnored') return event.why;
      return 'decided';
    })
    .join(', ');
}

/** Given `start`, when each result arrives in turn (decide, then evolve by its events, as the handler does). */
function run(results: readonly OrderValidationEvent[], start: AggregateState = empty) {
  let state = start;
  const steps: AggregatorEvent[][] = [];
  for (const result of results) {
    const events = decide({ type: 'RecordResult', result }, state);
    steps.push(events);
    state = events.reduce(evolve, state);
  }
  const emitted = steps
    .flat()
    .flatMap((event) => (event.type === 'OrderDecided' ? [decisionEvent(event, stamp())] : []));
  return { state, steps: steps.map(summary), emitted };
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

      assert.deepEqual(steps, ['recorded', 'recorded', 'recorded, decided']);
      assert.equal(emitted.length, 1);
      const decision = validationDecisionSchema.parse(emitted[0]);
      assert.equal(decision.type, 'OrderValidated');
      assert.equal(decision.orderId, orderId);
      assert.equal(decision.source, 'validation-aggregator');
    }
  });

  test('the first FAIL makes OrderRejected at once, with the reason known then', () => {
    const { steps, emitted, state } = run([pass('FRAUD'), fail('INVENTORY', 'insufficient stock: JUMPERS')]);

    assert.deepEqual(steps, ['recorded', 'recorded, decided']);
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

    assert.deepEqual(steps, ['recorded', 'duplicate', 'recorded']);
    assert.deepEqual(emitted, []);
    assert.equal(state.results.length, 2);
  });

  test('a late FAIL after VALIDATED changes nothing', () => {
    const validated = run(allPass(orderId));

    const late = run([fail('INVENTORY', 'insufficient stock: JUMPERS')], validated.state);

    assert.deepEqual(late.steps, ['contradicting']);
    assert.deepEqual(late.emitted, []);
    assert.deepEqual(late.state, validated.state);
  });

  test('a PASS after REJECTED is kept for the record but decides nothing', () => {
    const rejected = run([fail('FRAUD', 'session total over 2000.00')]);

    const { steps, emitted, state } = run([pass('INVENTORY'), pass('ORDER_DETAILS')], rejected.state);

    assert.deepEqual(steps, ['recorded', 'recorded']);
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
    assert.deepEqual(passFirst.steps, ['recorded', 'contradicting', 'recorded', 'recorded, decided']);
    assert.deepEqual(
      passFirst.emitted.map((event) => event.type),
      ['OrderValidated'],
    );

    const failFirst = run([fail('FRAUD', 'too much'), pass('FRAUD')]);
    assert.deepEqual(failFirst.steps, ['recorded, decided', 'contradicting']);
    assert.deepEqual(failFirst.state.results, [{ check: 'FRAUD', result: 'FAIL', reason: 'too much' }]);
  });
});
