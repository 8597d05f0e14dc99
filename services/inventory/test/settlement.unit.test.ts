import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type HeldReservation,
  nextMove,
  planSettlement,
  type ReservationState,
  reservationStates,
  type Settlement,
} from '../src/domain/reservation-state.ts';

describe('nextMove', () => {
  const table: [ReservationState, Settlement, ReturnType<typeof nextMove>][] = [
    ['RESERVED', 'commit', { to: 'COMMITTED', delta: { stock: -3, reserved: -3 } }],
    ['RESERVED', 'release', { to: 'RELEASED', delta: { stock: 0, reserved: -3 } }],
    ['COMMITTED', 'release', { to: 'RESTOCKED', delta: { stock: 3, reserved: 0 } }],
    ['COMMITTED', 'commit', null],
    ['RELEASED', 'commit', null],
    ['RELEASED', 'release', null],
    ['RESTOCKED', 'commit', null],
    ['RESTOCKED', 'release', null],
  ];

  for (const [state, settlement, expected] of table) {
    test(`${settlement} from ${state} ${expected === null ? 'does nothing' : `moves to ${expected.to}`}`, () => {
      assert.deepEqual(nextMove(state, settlement, 3), expected);
    });
  }

  test('the table above covers every state with both settlements', () => {
    const covered = new Set(table.map(([state, settlement]) => `${state}/${settlement}`));
    assert.equal(covered.size, reservationStates.length * 2);
  });

  test('once settled for good (RELEASED, RESTOCKED) nothing moves a reservation again', () => {
    for (const state of ['RELEASED', 'RESTOCKED'] as const) {
      assert.equal(nextMove(state, 'commit', 1), null);
      assert.equal(nextMove(state, 'release', 1), null);
    }
  });
});

describe('planSettlement', () => {
  const held = (line: number, sku: string, quantity: number, state: ReservationState): HeldReservation => ({
    line,
    sku,
    quantity,
    state,
  });

  test('approval commits every reserved line and sums what it takes per sku, in sku order', () => {
    const plan = planSettlement(
      [
        held(0, 'STOCKINGS', 1, 'RESERVED'),
        held(1, 'JUMPERS', 2, 'RESERVED'),
        held(2, 'JUMPERS', 3, 'RESERVED'),
      ],
      'commit',
    );

    assert.deepEqual(
      plan.moves.map((m) => [m.line, m.from, m.to]),
      [
        [0, 'RESERVED', 'COMMITTED'],
        [1, 'RESERVED', 'COMMITTED'],
        [2, 'RESERVED', 'COMMITTED'],
      ],
    );
    assert.deepEqual(plan.deltas, [
      { sku: 'JUMPERS', stock: -5, reserved: -5 },
      { sku: 'STOCKINGS', stock: -1, reserved: -1 },
    ]);
  });

  test('a cancellation after approval restocks what was committed', () => {
    const plan = planSettlement([held(0, 'JUMPERS', 2, 'COMMITTED')], 'release');

    assert.deepEqual(plan.moves, [{ line: 0, sku: 'JUMPERS', from: 'COMMITTED', to: 'RESTOCKED' }]);
    assert.deepEqual(plan.deltas, [{ sku: 'JUMPERS', stock: 2, reserved: 0 }]);
  });

  test('a second approval, or an order that never reserved, plans nothing', () => {
    assert.deepEqual(planSettlement([held(0, 'JUMPERS', 2, 'COMMITTED')], 'commit'), {
      moves: [],
      deltas: [],
    });
    assert.deepEqual(planSettlement([], 'release'), { moves: [], deltas: [] });
  });
});
