import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { withTransaction } from '../src/db/pool.ts';
import { AppError } from '../src/errors.ts';
import { claimIdempotencyKey, createOnce, idempotencyTableSql } from '../src/idempotency.ts';
import { createTestSchema } from '../src/testing/schema.ts';

// The kit's idempotency keys against the real PostgreSQL: claim, replay, reuse, scopes, races.

const db = await createTestSchema('platform_idempotency');
await db.pool.query(idempotencyTableSql(db.name));

const body = { customerId: 'c-1', items: [{ sku: 'JUMPERS', quantity: 2 }], currency: 'EUR' };
const reordered = { currency: 'EUR', items: [{ quantity: 2, sku: 'JUMPERS' }], customerId: 'c-1' };
let nextKey = 0;
const newKey = () => `key-${process.pid}-${nextKey++}`;

function claim(request: Parameters<typeof claimIdempotencyKey>[1], resourceId: string) {
  return withTransaction(db.pool, (client) => claimIdempotencyKey(client, request, resourceId));
}

describe('claimIdempotencyKey', () => {
  test('refuses to run outside a transaction: the key must commit with what it creates', async () => {
    await assert.rejects(
      claimIdempotencyKey(db.pool as never, { key: newKey(), body }, 'r-1'),
      /inside the transaction that creates the resource/,
    );
  });

  test('a new key is claimed; the same key with the same body (any key order) replays the first resource', async () => {
    const key = newKey();
    assert.deepEqual(await claim({ key, body }, 'r-1'), { status: 'claimed' });
    assert.deepEqual(await claim({ key, body: reordered }, 'r-2'), { status: 'replay', resourceId: 'r-1' });
  });

  test('the same key with another body is IDEMPOTENCY_KEY_REUSED (422)', async () => {
    const key = newKey();
    await claim({ key, body }, 'r-1');
    await assert.rejects(claim({ key, body: { ...body, currency: 'USD' } }, 'r-2'), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'IDEMPOTENCY_KEY_REUSED');
      assert.equal(error.status, 422);
      return true;
    });
  });

  test('keys of different scopes are apart; the default scope is the empty one', async () => {
    const key = newKey();
    assert.deepEqual(await claim({ key, body }, 'r-1'), { status: 'claimed' });
    assert.deepEqual(await claim({ key, body, scope: 'alice' }, 'r-2'), { status: 'claimed' });
    assert.deepEqual(await claim({ key, body, scope: '' }, 'r-3'), { status: 'replay', resourceId: 'r-1' });
    const rows = await db.pool.query('SELECT scope, resource_id FROM idempotency WHERE key = $1 ORDER BY 1', [
      key,
    ]);
    assert.deepEqual(rows.rows, [
      { scope: '', resource_id: 'r-1' },
      { scope: 'alice', resource_id: 'r-2' },
    ]);
  });

  test('two requests racing with one key: the second waits for the first to commit, then replays it', async () => {
    const key = newKey();
    let claimedFirst = () => {};
    const firstClaimed = new Promise<void>((resolve) => {
      claimedFirst = resolve;
    });
    let commit = () => {};
    const committing = new Promise<void>((resolve) => {
      commit = resolve;
    });
    const first = withTransaction(db.pool, async (client) => {
      const result = await claimIdempotencyKey(client, { key, body }, 'r-1');
      claimedFirst();
      await committing;
      return result;
    });
    await firstClaimed;
    const second = claim({ key, body }, 'r-2');
    await delay(100);
    commit();

    assert.deepEqual(await first, { status: 'claimed' });
    assert.deepEqual(await second, { status: 'replay', resourceId: 'r-1' });
  });
});

describe('createOnce', () => {
  const create = (id: string, created: string[]) => ({
    id,
    create: async () => {
      created.push(id);
      return { id };
    },
    load: async (found: string) => ({ id: found }),
  });

  test('without a key it always creates; with one it creates once and then replays', async () => {
    const created: string[] = [];
    const key = newKey();
    const run = (id: string, request: { key: string; body: unknown } | null) =>
      withTransaction(db.pool, (client) => createOnce(client, request, create(id, created)));

    assert.deepEqual(await run('a', null), { value: { id: 'a' }, created: true });
    assert.deepEqual(await run('b', null), { value: { id: 'b' }, created: true });
    assert.deepEqual(await run('c', { key, body }), { value: { id: 'c' }, created: true });
    assert.deepEqual(await run('d', { key, body }), { value: { id: 'c' }, created: false });
    assert.deepEqual(created, ['a', 'b', 'c']);
  });

  test('a creation that fails rolls the key back with it: the next request with the key creates', async () => {
    const key = newKey();
    await assert.rejects(
      withTransaction(db.pool, (client) =>
        createOnce(
          client,
          { key, body },
          { ...create('a', []), create: () => Promise.reject(new Error('no')) },
        ),
      ),
      /no/,
    );
    const created: string[] = [];
    const again = await withTransaction(db.pool, (client) =>
      createOnce(client, { key, body }, create('b', created)),
    );
    assert.deepEqual(again, { value: { id: 'b' }, created: true });
  });

  test('a replayed key whose resource is gone is an error, not a second resource', async () => {
    const key = newKey();
    await claim({ key, body }, 'gone');
    await assert.rejects(
      withTransaction(db.pool, (client) =>
        createOnce(client, { key, body }, { ...create('x', []), load: async () => null }),
      ),
      /gone of idempotency key .* is missing/,
    );
  });
});
