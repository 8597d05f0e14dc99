import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CatalogPrice, priceItems } from '../src/domain/pricing.ts';

const catalog = new Map<string, CatalogPrice>([
  ['JUMPERS', { unitPrice: 2500, currency: 'EUR' }],
  ['STOCKINGS', { unitPrice: 999, currency: 'EUR' }],
]);

test('every line gets the catalog price, whether the client stated it or not', () => {
  assert.deepEqual(
    priceItems(
      [
        { sku: 'JUMPERS', quantity: 2 },
        { sku: 'STOCKINGS', quantity: 1, unitPrice: 999 },
      ],
      catalog,
    ),
    {
      kind: 'priced',
      items: [
        { sku: 'JUMPERS', quantity: 2, unitPrice: 2500 },
        { sku: 'STOCKINGS', quantity: 1, unitPrice: 999 },
      ],
    },
  );
});

test('a stated price other than the catalog’s is refused, naming each such line with both prices', () => {
  assert.deepEqual(
    priceItems(
      [
        { sku: 'JUMPERS', quantity: 1, unitPrice: 1 },
        { sku: 'STOCKINGS', quantity: 1, unitPrice: 999 },
        { sku: 'JUMPERS', quantity: 1, unitPrice: 2600 },
      ],
      catalog,
    ),
    {
      kind: 'price-mismatch',
      lines: [
        { line: 0, sku: 'JUMPERS', stated: 1, catalog: 2500 },
        { line: 2, sku: 'JUMPERS', stated: 2600, catalog: 2500 },
      ],
    },
  );
});

test('an unknown sku is refused first, naming its line', () => {
  assert.deepEqual(
    priceItems(
      [
        { sku: 'JUMPERS', quantity: 1, unitPrice: 1 },
        { sku: 'UNICORNS', quantity: 1 },
      ],
      catalog,
    ),
    { kind: 'unknown-skus', lines: [{ line: 1, sku: 'UNICORNS' }] },
  );
});
