import assert from 'node:assert/strict';
import { test } from 'node:test';
import { productChangedEventSchema } from '@microshop/contracts';
import { migrateServiceSchema, migrationsDirOf } from '@microshop/platform';
import { createTestSchema, withDecodingSlot } from '@microshop/platform/testing';
import { service } from '../src/main.ts';

// The demo catalog the first migration loads, and how it is announced.

test('the first migration loads the demo catalog and announces each product through the outbox, once', async (t) => {
  const db = await createTestSchema('inventory_demo', t);
  const migrate = () => migrateServiceSchema(db.pool, { schema: db.name, dir: migrationsDirOf(service) });
  await withDecodingSlot(db, async (readInserts) => {
    await migrate();
    await migrate(); // a second start applies nothing and announces nothing

    const announced = (await readInserts()).map((insert) => {
      const event = productChangedEventSchema.parse(insert.payload);
      assert.equal(insert.topic, 'microshop.products');
      assert.equal(insert.key, event.sku);
      return [event.sku, event.product.unitPrice, event.product.currency, event.product.stock];
    });
    const rows = await db.pool.query(
      'SELECT sku, unit_price::int AS price, currency, stock::int AS stock FROM products ORDER BY sku',
    );

    assert.deepEqual(
      announced.sort(),
      rows.rows.map((row) => [row.sku, row.price, row.currency, row.stock]),
    );
    assert.deepEqual(
      announced.filter(([sku]) => sku === 'JUMPERS' || sku === 'STOCKINGS' || sku === 'UNDERPANTS'),
      [
        ['JUMPERS', 2500, 'EUR', 1000],
        ['STOCKINGS', 999, 'EUR', 1000],
        ['UNDERPANTS', 1200, 'EUR', 1000],
      ],
    );
    const outbox = await db.pool.query('SELECT count(*)::int AS n FROM outbox');
    assert.equal(outbox.rows[0]?.n, 0, 'the outbox table stays empty');
  });
});
