import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decide, type OrderLine, requestedBySku, skusOf } from '../src/domain/commands.ts';
import { shortageReason } from '../src/domain/messages.ts';
import { type Availability, evolve, type OrderStock, type Shortage } from '../src/domain/stock.ts';

// Reserving a new order's lines, all or nothing: given the products on the shelf, when
// ReserveOrder, then every line reserved (StockReserved) or none and every shortage (ReservationRefused).

const orderId = 'a1b2c3d4-0000-4000-8000-000000000001';

const shelf = (entries: Record<string, Availability>): OrderStock => ({
  verdict: null,
  reservations: [],
  products: new Map(Object.entries(entries)),
});

function reserve(lines: readonly OrderLine[], state: OrderStock) {
  return decide({ type: 'ReserveOrder', orderId, lines }, state);
}

describe('reserving a new order', () => {
  test('an order whose every line is available reserves every line', () => {
    const events = reserve(
      [
        { sku: 'JUMPERS', quantity: 2 },
        { sku: 'STOCKINGS', quantity: 1 },
      ],
      shelf({ JUMPERS: { stock: 10, reserved: 8 }, STOCKINGS: { stock: 1, reserved: 0 } }),
    );

    assert.deepEqual(events, [
      {
        type: 'StockReserved',
        orderId,
        reservations: [
          { line: 0, sku: 'JUMPERS', quantity: 2 },
          { line: 1, sku: 'STOCKINGS', quantity: 1 },
        ],
        deltas: [
          { sku: 'JUMPERS', stock: 0, reserved: 2 },
          { sku: 'STOCKINGS', stock: 0, reserved: 1 },
        ],
      },
    ]);
  });

  test('one short line makes the whole order reserve nothing and names only the short sku', () => {
    const events = reserve(
      [
        { sku: 'STOCKINGS', quantity: 1 },
        { sku: 'JUMPERS', quantity: 3 },
      ],
      shelf({ JUMPERS: { stock: 5, reserved: 4 }, STOCKINGS: { stock: 100, reserved: 0 } }),
    );

    assert.deepEqual(events, [
      {
        type: 'ReservationRefused',
        orderId,
        shortages: [{ kind: 'insufficient-stock', sku: 'JUMPERS', requested: 3, available: 1 }],
      },
    ]);
  });

  test('two lines of the same sku are summed: each fits alone, together they do not', () => {
    const available = shelf({ JUMPERS: { stock: 3, reserved: 0 } });

    const events = reserve(
      [
        { sku: 'JUMPERS', quantity: 2 },
        { sku: 'JUMPERS', quantity: 2 },
      ],
      available,
    );

    assert.deepEqual(events, [
      {
        type: 'ReservationRefused',
        orderId,
        shortages: [{ kind: 'insufficient-stock', sku: 'JUMPERS', requested: 4, available: 3 }],
      },
    ]);
  });

  test('two lines of the same sku that fit together are both reserved, once per line', () => {
    const [reserved] = reserve(
      [
        { sku: 'JUMPERS', quantity: 2 },
        { sku: 'JUMPERS', quantity: 2 },
      ],
      shelf({ JUMPERS: { stock: 4, reserved: 0 } }),
    );

    assert.ok(reserved?.type === 'StockReserved');
    assert.deepEqual(
      reserved.reservations.map((r) => [r.line, r.quantity]),
      [
        [0, 2],
        [1, 2],
      ],
    );
    assert.deepEqual(reserved.deltas, [{ sku: 'JUMPERS', stock: 0, reserved: 4 }]);
  });

  test('exactly the available units can be reserved; one more cannot', () => {
    const available = shelf({ JUMPERS: { stock: 10, reserved: 7 } });

    assert.equal(reserve([{ sku: 'JUMPERS', quantity: 3 }], available)[0]?.type, 'StockReserved');
    assert.equal(reserve([{ sku: 'JUMPERS', quantity: 4 }], available)[0]?.type, 'ReservationRefused');
  });

  test('a sku missing from the catalog is a shortage of its own kind', () => {
    const events = reserve([{ sku: 'HATS', quantity: 1 }], shelf({}));

    assert.deepEqual(events, [
      { type: 'ReservationRefused', orderId, shortages: [{ kind: 'unknown-sku', sku: 'HATS' }] },
    ]);
  });

  test('stock 0 fails even a single unit', () => {
    const events = reserve([{ sku: 'JUMPERS', quantity: 1 }], shelf({ JUMPERS: { stock: 0, reserved: 0 } }));

    assert.deepEqual(events, [
      {
        type: 'ReservationRefused',
        orderId,
        shortages: [{ kind: 'insufficient-stock', sku: 'JUMPERS', requested: 1, available: 0 }],
      },
    ]);
  });

  test('every shortage is listed, in sku order, whatever the order of the lines', () => {
    const [refused] = reserve(
      [
        { sku: 'STOCKINGS', quantity: 5 },
        { sku: 'HATS', quantity: 1 },
        { sku: 'JUMPERS', quantity: 2 },
      ],
      shelf({ JUMPERS: { stock: 1, reserved: 0 }, STOCKINGS: { stock: 4, reserved: 0 } }),
    );

    assert.ok(refused?.type === 'ReservationRefused');
    assert.deepEqual(
      refused.shortages.map((s) => s.sku),
      ['HATS', 'JUMPERS', 'STOCKINGS'],
    );
  });

  test('an order with its verdict already (OrderCreated announced again) reserves nothing', () => {
    for (const verdict of ['PASS', 'FAIL'] as const) {
      const checked = { ...shelf({ JUMPERS: { stock: 10, reserved: 0 } }), verdict };

      assert.deepEqual(reserve([{ sku: 'JUMPERS', quantity: 1 }], checked), []);
    }
  });

  test('after reserving, the order holds its lines RESERVED and the products count them as reserved', () => {
    const before = shelf({ JUMPERS: { stock: 10, reserved: 1 } });

    const after = reserve([{ sku: 'JUMPERS', quantity: 3 }], before).reduce(evolve, before);

    assert.equal(after.verdict, 'PASS');
    assert.deepEqual(after.reservations, [{ line: 0, sku: 'JUMPERS', quantity: 3, state: 'RESERVED' }]);
    assert.deepEqual(after.products.get('JUMPERS'), { stock: 10, reserved: 4 });
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
