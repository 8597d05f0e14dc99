import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Availability,
  requestedBySku,
  reserve,
  type Shortage,
  shortageReason,
  skusOf,
} from '../src/domain/reservation.ts';

const shelf = (entries: Record<string, Availability>) => new Map(Object.entries(entries));

describe('reserve', () => {
  test('an order whose every line is available reserves every line', () => {
    const outcome = reserve(
      [
        { sku: 'JUMPERS', quantity: 2 },
        { sku: 'STOCKINGS', quantity: 1 },
      ],
      shelf({ JUMPERS: { stock: 10, reserved: 8 }, STOCKINGS: { stock: 1, reserved: 0 } }),
    );

    assert.deepEqual(outcome, {
      ok: true,
      reservations: [
        { line: 0, sku: 'JUMPERS', quantity: 2 },
        { line: 1, sku: 'STOCKINGS', quantity: 1 },
      ],
      bySku: [
        { sku: 'JUMPERS', quantity: 2 },
        { sku: 'STOCKINGS', quantity: 1 },
      ],
    });
  });

  test('one short line makes the whole order reserve nothing and names only the short sku', () => {
    const outcome = reserve(
      [
        { sku: 'STOCKINGS', quantity: 1 },
        { sku: 'JUMPERS', quantity: 3 },
      ],
      shelf({ JUMPERS: { stock: 5, reserved: 4 }, STOCKINGS: { stock: 100, reserved: 0 } }),
    );

    assert.deepEqual(outcome, {
      ok: false,
      shortages: [{ kind: 'insufficient-stock', sku: 'JUMPERS', requested: 3, available: 1 }],
    });
  });

  test('two lines of the same sku are summed: each fits alone, together they do not', () => {
    const available = shelf({ JUMPERS: { stock: 3, reserved: 0 } });

    const outcome = reserve(
      [
        { sku: 'JUMPERS', quantity: 2 },
        { sku: 'JUMPERS', quantity: 2 },
      ],
      available,
    );

    assert.deepEqual(outcome, {
      ok: false,
      shortages: [{ kind: 'insufficient-stock', sku: 'JUMPERS', requested: 4, available: 3 }],
    });
  });

  test('two lines of the same sku that fit together are both reserved, once per line', () => {
    const outcome = reserve(
      [
        { sku: 'JUMPERS', quantity: 2 },
        { sku: 'JUMPERS', quantity: 2 },
      ],
      shelf({ JUMPERS: { stock: 4, reserved: 0 } }),
    );

    assert.ok(outcome.ok);
    assert.deepEqual(
      outcome.reservations.map((r) => [r.line, r.quantity]),
      [
        [0, 2],
        [1, 2],
      ],
    );
    assert.deepEqual(outcome.bySku, [{ sku: 'JUMPERS', quantity: 4 }]);
  });

  test('exactly the available units can be reserved; one more cannot', () => {
    const available = shelf({ JUMPERS: { stock: 10, reserved: 7 } });

    assert.equal(reserve([{ sku: 'JUMPERS', quantity: 3 }], available).ok, true);
    assert.equal(reserve([{ sku: 'JUMPERS', quantity: 4 }], available).ok, false);
  });

  test('a sku missing from the catalog is a shortage of its own kind', () => {
    const outcome = reserve([{ sku: 'HATS', quantity: 1 }], shelf({}));

    assert.deepEqual(outcome, { ok: false, shortages: [{ kind: 'unknown-sku', sku: 'HATS' }] });
  });

  test('stock 0 fails even a single unit', () => {
    const outcome = reserve([{ sku: 'JUMPERS', quantity: 1 }], shelf({ JUMPERS: { stock: 0, reserved: 0 } }));

    assert.deepEqual(outcome, {
      ok: false,
      shortages: [{ kind: 'insufficient-stock', sku: 'JUMPERS', requested: 1, available: 0 }],
    });
  });

  test('every shortage is listed, in sku order, whatever the order of the lines', () => {
    const outcome = reserve(
      [
        { sku: 'STOCKINGS', quantity: 5 },
        { sku: 'HATS', quantity: 1 },
        { sku: 'JUMPERS', quantity: 2 },
      ],
      shelf({ JUMPERS: { stock: 1, reserved: 0 }, STOCKINGS: { stock: 4, reserved: 0 } }),
    );

    assert.ok(!outcome.ok);
    assert.deepEqual(
      outcome.shortages.map((s) => s.sku),
      ['HATS', 'JUMPERS', 'STOCKINGS'],
    );
  });
});

describe('requestedBySku and skusOf', () => {
  test('sum the lines per sku and sort bytewise, the order products are locked in', () => {
    const lines = [
      { sku: 'b', quantity: 1 },
      { sku: 'B', quantity: 2 },
      { sku: 'A-2', quantity: 1 },
      { sku: 'B', quantity: 3 },
    ];

    assert.deepEqual(requestedBySku(lines), [
      { sku: 'A-2', quantity: 1 },
      { sku: 'B', quantity: 5 },
      { sku: 'b', quantity: 1 },
    ]);
    assert.deepEqual(skusOf(lines), ['A-2', 'B', 'b']);
  });
});

describe('shortageReason', () => {
  test('names each short sku with what was asked and what is left', () => {
    const shortages: Shortage[] = [
      { kind: 'insufficient-stock', sku: 'JUMPERS', requested: 3, available: 1 },
    ];

    assert.equal(shortageReason(shortages), 'insufficient stock: JUMPERS (requested 3, available 1)');
  });

  test('lists several short skus together and unknown skus after them', () => {
    const shortages: Shortage[] = [
      { kind: 'unknown-sku', sku: 'HATS' },
      { kind: 'insufficient-stock', sku: 'JUMPERS', requested: 3, available: 1 },
      { kind: 'insufficient-stock', sku: 'STOCKINGS', requested: 2, available: 0 },
    ];

    assert.equal(
      shortageReason(shortages),
      'insufficient stock: JUMPERS (requested 3, available 1), STOCKINGS (requested 2, available 0); ' +
        'unknown sku: HATS',
    );
  });
});
