import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decide } from '../src/domain/commands.ts';
import {
  evolve,
  type HeldReservation,
  type OrderStock,
  type ReservationState,
  reservationStates,
  type Settlement,
  type StockDelta,
} from '../src/domain/stock.ts';

// Settling an order's reservations once its fate is known: given the lines it holds, when
// SettleOrder(commit | release), then the lines that move and what that does to each product.

const orderId = 'a1b2c3d4-0000-4000-8000-000000000001';

const held = (line: number, sku: string, quantity: number, state: ReservationState): HeldReservation => ({
  line,
  sku,
  quantity,
  state,
});

function holding(...reservations: HeldReservation[]): OrderStock {
  return { verdict: 'PASS', reservations, products: new Map() };
}

function settle(state: OrderStock, settlement: Settlement) {
  return decide({ type: 'SettleOrder', orderId, settlement }, state);
}

describe('one line through its states', () => {
  const table: [ReservationState, Settlement, { to: ReservationState; delta: StockDelta } | null][] = [
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
      const events = settle(holding(held(0, 'JUMPERS', 3, state)), settlement);

      assert.deepEqual(
        events,
        expected === null
          ? []
          : [
              {
                type: 'ReservationsSettled',
                orderId,
                moves: [{ line: 0, sku: 'JUMPERS', from: state, to: expected.to }],
                deltas: [{ sku: 'JUMPERS', ...expected.delta }],
              },
            ],
      );
    });
  }

  test('the table above covers every state with both settlements', () => {
    const covered = new Set(table.map(([state, settlement]) => `${state}/${settlement}`));
    assert.equal(covered.size, reservationStates.length * 2);
  });

  test('once settled for good (RELEASED, RESTOCKED) nothing moves a reservation again', () => {
    for (const state of ['RELEASED', 'RESTOCKED'] as const) {
      assert.deepEqual(settle(holding(held(0, 'JUMPERS', 1, state)), 'commit'), []);
      assert.deepEqual(settle(holding(held(0, 'JUMPERS', 1, state)), 'release'), []);
    }
  });
});

describe('settling an order', () => {
  test('approval commits every reserved line and sums what it takes per sku, in sku order', () => {
    const [settled] = settle(
      holding(
        held(0, 'STOCKINGS', 1, 'RESERVED'),
        held(1, 'JUMPERS', 2, 'RESERVED'),
        held(2, 'JUMPERS', 3, 'RESERVED'),
      ),
      'commit',
    );

    assert.ok(settled?.type === 'ReservationsSettled');
    assert.deepEqual(
      settled.moves.map((m) => [m.line, m.from, m.to]),
      [
        [0, 'RESERVED', 'COMMITTED'],
        [1, 'RESERVED', 'COMMITTED'],
        [2, 'RESERVED', 'COMMITTED'],
      ],
    );
    assert.deepEqual(settled.deltas, [
      { sku: 'JUMPERS', stock: -5, reserved: -5 },
      { sku: 'STOCKINGS', stock: -1, reserved: -1 },
    ]);
  });

  test('a cancellation after approval restocks what was committed', () => {
    const [settled] = settle(holding(held(0, 'JUMPERS', 2, 'COMMITTED')), 'release');

    assert.ok(settled?.type === 'ReservationsSettled');
    assert.deepEqual(settled.moves, [{ line: 0, sku: 'JUMPERS', from: 'COMMITTED', to: 'RESTOCKED' }]);
    assert.deepEqual(settled.deltas, [{ sku: 'JUMPERS', stock: 2, reserved: 0 }]);
  });

  test('a second approval, or an order that never reserved, settles nothing', () => {
    assert.deepEqual(settle(holding(held(0, 'JUMPERS', 2, 'COMMITTED')), 'commit'), []);
    assert.deepEqual(settle(holding(), 'release'), []);
  });

  test('after the settlement the lines are in their new states and the products changed by the deltas', () => {
    const before: OrderStock = {
      verdict: 'PASS',
      reservations: [held(0, 'JUMPERS', 2, 'RESERVED'), held(1, 'STOCKINGS', 1, 'RELEASED')],
      products: new Map([['JUMPERS', { stock: 10, reserved: 2 }]]),
    };

    const after = settle(before, 'commit').reduce(evolve, before);

    assert.deepEqual(
      after.reservations.map((r) => r.state),
      ['COMMITTED', 'RELEASED'],
    );
    assert.deepEqual(after.products.get('JUMPERS'), { stock: 8, reserved: 0 });
  });
});
