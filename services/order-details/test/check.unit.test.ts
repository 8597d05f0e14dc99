import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CheckEvent, decide, evolve, referenceDeadline } from '../src/domain/check.ts';
import type { CatalogEntry, CheckedOrder, References } from '../src/domain/rules.ts';

const customerId = '6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const createdAt = '2025-03-01T10:00:00.000Z';
const afterGrace = { graceMs: 5_000, now: new Date('2025-03-01T10:00:10.000Z') };
const withinGrace = { graceMs: 5_000, now: new Date('2025-03-01T10:00:01.000Z') };

const jumpers: CatalogEntry = { sku: 'JUMPERS', unitPrice: 2500, currency: 'EUR' };
const stockings: CatalogEntry = { sku: 'STOCKINGS', unitPrice: 900, currency: 'EUR' };

function order(overrides: Partial<CheckedOrder> = {}): CheckedOrder {
  const items = overrides.items ?? [
    { sku: 'JUMPERS', quantity: 2, unitPrice: 2500 },
    { sku: 'STOCKINGS', quantity: 3, unitPrice: 900 },
  ];
  const total = items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  return { customerId, items, currency: 'EUR', total, createdAt, ...overrides };
}

function refs(entries: CatalogEntry[] = [jumpers, stockings], customerKnown = true): References {
  return { customerKnown, products: new Map(entries.map((entry) => [entry.sku, entry])) };
}

/** When a new order arrives: CheckOrder against `references`, with the grace period and the clock. */
function checkOrderDetails(
  order: CheckedOrder,
  references: References,
  options: { graceMs: number; now: Date },
) {
  return decide({ type: 'CheckOrder', order, references, ...options }, { status: 'new' });
}

/** When a parked order is looked at again: RecheckOrder, the order keeping the deadline it was parked with. */
function recheck(order: CheckedOrder, references: References, options: { deadline: Date; now: Date }) {
  return decide(
    { type: 'RecheckOrder', order, references, now: options.now },
    { status: 'parked', deadline: options.deadline },
  );
}

/** The FAIL reason of a decision, or the decision itself when it is not a FAIL (so the assertion shows it). */
function reason(events: CheckEvent[]): unknown {
  const [event] = events;
  return event?.type === 'OrderChecked' && event.verdict.result === 'FAIL' ? event.verdict.reason : events;
}

describe('checking a new order', () => {
  test('a known customer ordering known skus at catalog prices with the right total passes', () => {
    assert.deepEqual(checkOrderDetails(order(), refs(), afterGrace), [
      { type: 'OrderChecked', verdict: { result: 'PASS' } },
    ]);
  });

  test('a line priced differently from the catalog fails, showing both prices', () => {
    const items = [{ sku: 'JUMPERS', quantity: 2, unitPrice: 2000 }];

    assert.equal(
      reason(checkOrderDetails(order({ items }), refs(), afterGrace)),
      'price mismatch for JUMPERS: ordered 20.00 EUR, catalog 25.00 EUR',
    );
  });

  test('an order in another currency than the product fails', () => {
    const items = [{ sku: 'JUMPERS', quantity: 1, unitPrice: 2500 }];

    assert.equal(
      reason(checkOrderDetails(order({ items, currency: 'USD' }), refs(), afterGrace)),
      'currency mismatch for JUMPERS: order in USD, catalog in EUR',
    );
  });

  test('a total that is not the sum of the lines fails, showing both', () => {
    assert.equal(
      reason(checkOrderDetails(order({ total: 7000 }), refs(), afterGrace)),
      'total mismatch: order total 70.00 EUR, lines add up to 77.00 EUR',
    );
  });

  test('a line with a quantity of zero fails', () => {
    const items = [{ sku: 'JUMPERS', quantity: 0, unitPrice: 2500 }];

    assert.equal(
      reason(checkOrderDetails(order({ items, total: 0 }), refs(), afterGrace)),
      'non-positive quantity for JUMPERS: 0',
    );
  });

  test('an unknown customer past the grace period fails', () => {
    assert.equal(
      reason(checkOrderDetails(order(), refs(undefined, false), afterGrace)),
      `unknown customer ${customerId}`,
    );
  });

  test('unknown skus past the grace period fail, each named once', () => {
    const items = [
      { sku: 'MITTENS', quantity: 1, unitPrice: 100 },
      { sku: 'JUMPERS', quantity: 1, unitPrice: 2500 },
      { sku: 'SCARVES', quantity: 1, unitPrice: 100 },
      { sku: 'MITTENS', quantity: 2, unitPrice: 100 },
    ];

    assert.equal(
      reason(checkOrderDetails(order({ items }), refs(), afterGrace)),
      'unknown sku MITTENS, SCARVES',
    );
  });

  test('an unknown customer or sku within the grace period means wait, not fail', () => {
    const items = [{ sku: 'MITTENS', quantity: 1, unitPrice: 100 }];

    assert.deepEqual(checkOrderDetails(order({ items }), refs([], false), withinGrace), [
      {
        type: 'CheckDeferred',
        unknown: [
          { rule: 'UNKNOWN_CUSTOMER', customerId },
          { rule: 'UNKNOWN_SKU', skus: ['MITTENS'] },
        ],
        missing: { customer: true, skus: ['MITTENS'] },
        deadline: new Date('2025-03-01T10:00:05.000Z'),
      },
    ]);
  });

  test('the grace period ends exactly grace milliseconds after the order was created', () => {
    const atEnd = { graceMs: 5_000, now: new Date('2025-03-01T10:00:05.000Z') };

    assert.equal(checkOrderDetails(order(), refs(undefined, false), atEnd)[0]?.type, 'OrderChecked');
  });

  test('within the grace period a known-but-wrong order still fails at once', () => {
    assert.equal(
      reason(checkOrderDetails(order({ total: 1 }), refs(), withinGrace)),
      'total mismatch: order total 0.01 EUR, lines add up to 77.00 EUR',
    );
  });

  test('every failed rule is named, in one reason', () => {
    const items = [
      { sku: 'JUMPERS', quantity: 1, unitPrice: 100 },
      { sku: 'MITTENS', quantity: 1, unitPrice: 100 },
    ];

    assert.equal(
      reason(checkOrderDetails(order({ items, total: 999 }), refs(undefined, false), afterGrace)),
      `unknown customer ${customerId}; unknown sku MITTENS; price mismatch for JUMPERS: ordered 1.00 EUR, ` +
        'catalog 25.00 EUR; total mismatch: order total 9.99 EUR, lines add up to 2.00 EUR',
    );
  });

  test('lines summing beyond 2^53 are added exactly', () => {
    const pricey: CatalogEntry = { sku: 'YACHT', unitPrice: 1_000_000_000_000, currency: 'EUR' };
    const items = Array.from({ length: 10 }, () => ({
      sku: 'YACHT',
      quantity: 10_000,
      unitPrice: 1_000_000_000_000,
    }));

    assert.equal(
      reason(checkOrderDetails(order({ items, total: Number.MAX_SAFE_INTEGER }), refs([pricey]), afterGrace)),
      'total mismatch: order total 90071992547409.91 EUR, lines add up to 1000000000000000.00 EUR',
    );
  });
});

describe('a parked order', () => {
  const deadline = new Date('2025-03-01T10:00:05.000Z');

  test('keeps the deadline it was parked with: before it an unknown customer still waits', () => {
    const events = recheck(order(), refs(undefined, false), {
      deadline,
      now: new Date('2025-03-01T10:00:04.999Z'),
    });

    assert.deepEqual(events, [
      {
        type: 'CheckDeferred',
        unknown: [{ rule: 'UNKNOWN_CUSTOMER', customerId }],
        missing: { customer: true, skus: [] },
        deadline,
      },
    ]);
  });

  test('at its deadline fails for what is still unknown, with the usual reason', () => {
    const items = [{ sku: 'MITTENS', quantity: 1, unitPrice: 100 }];

    assert.equal(
      reason(recheck(order({ items }), refs([], false), { deadline, now: deadline })),
      `unknown customer ${customerId}; unknown sku MITTENS`,
    );
  });

  test('whose references have all arrived gets its verdict before the deadline', () => {
    const events = recheck(order(), refs(), { deadline, now: new Date('2025-03-01T10:00:01Z') });

    assert.deepEqual(events, [{ type: 'OrderChecked', verdict: { result: 'PASS' } }]);
  });

  test('is parked until createdAt plus the grace period', () => {
    assert.deepEqual(referenceDeadline(order(), 5_000), deadline);
  });

  test('is found by the customer and each distinct sku it waits for', () => {
    const missingOf = (events: CheckEvent[]) =>
      events[0]?.type === 'CheckDeferred' ? events[0].missing : events;
    const items = [
      { sku: 'MITTENS', quantity: 1, unitPrice: 100 },
      { sku: 'SCARVES', quantity: 1, unitPrice: 100 },
      { sku: 'MITTENS', quantity: 2, unitPrice: 100 },
    ];

    assert.deepEqual(missingOf(checkOrderDetails(order({ items }), refs([], false), withinGrace)), {
      customer: true,
      skus: ['MITTENS', 'SCARVES'],
    });
    assert.deepEqual(
      missingOf(checkOrderDetails(order({ items: items.slice(0, 1) }), refs([]), withinGrace)),
      {
        customer: false,
        skus: ['MITTENS'],
      },
    );
  });

  test('once judged, an order is neither judged nor parked again', () => {
    const parked = checkOrderDetails(order(), refs(undefined, false), withinGrace).reduce(evolve, {
      status: 'new',
    });
    assert.deepEqual(parked, { status: 'parked', deadline });

    const judged = recheck(order(), refs(), { deadline, now: deadline }).reduce(evolve, parked);
    assert.deepEqual(judged, { status: 'checked' });

    const again = {
      type: 'CheckOrder',
      order: order(),
      references: refs([], false),
      ...withinGrace,
    } as const;
    assert.deepEqual(decide(again, judged), []);
  });
});
