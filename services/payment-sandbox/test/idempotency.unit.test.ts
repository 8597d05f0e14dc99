import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createIdempotencyStore, type Execution, fingerprintOf } from '../src/http/idempotency.ts';

const created = (body: unknown): Execution => ({ response: { status: 201, body }, final: true });

test('a key runs its request once and replays the final answer afterwards', async () => {
  const store = createIdempotencyStore();
  let runs = 0;
  const execute = async () => created(++runs);

  const first = await store.run('k', 'f', 'charge', execute);
  const second = await store.run('k', 'f', 'charge', execute);

  assert.deepEqual(first, { kind: 'fresh', response: { status: 201, body: 1 } });
  assert.deepEqual(second, { kind: 'replay', response: { status: 201, body: 1 } });
  assert.equal(runs, 1);
});

// A store that waited instead of refusing would never settle: the timeout makes that a failure.
test('a key bound to one request refuses another, even while the first is in flight', {
  timeout: 5_000,
}, async () => {
  const store = createIdempotencyStore();
  let release = () => {};
  const first = store.run(
    'k',
    'f1',
    'charge',
    () => new Promise((resolve) => (release = () => resolve(created('a')))),
  );

  assert.deepEqual(await store.run('k', 'f2', 'charge', async () => created('b')), { kind: 'reused' });
  release();
  await first;
  assert.deepEqual(await store.run('k', 'f2', 'charge', async () => created('b')), { kind: 'reused' });
});

test('requests arriving while the first is in flight wait for it and get its answer', {
  timeout: 5_000,
}, async () => {
  const store = createIdempotencyStore();
  let runs = 0;
  const slow = () => new Promise<Execution>((resolve) => setTimeout(() => resolve(created(++runs)), 50));

  const results = await Promise.all([1, 2, 3].map(() => store.run('k', 'f', 'charge', slow)));

  assert.deepEqual(
    results.map((r) => r.kind),
    ['fresh', 'replay', 'replay'],
  );
  assert.equal(runs, 1);
});

test('an answer that is not final (an outage) lets the next attempt run, with its attempt number', async () => {
  const store = createIdempotencyStore();
  const attempts: number[] = [];
  const execute = async (attempt: number): Promise<Execution> => {
    attempts.push(attempt);
    return attempt < 3 ? { response: { status: 503, body: null }, final: false } : created('ok');
  };

  const statuses = [];
  for (let i = 0; i < 4; i++) {
    const result = await store.run('k', 'f', 'charge', execute);
    statuses.push(result.kind === 'reused' ? 0 : result.response.status);
  }

  assert.deepEqual(statuses, [503, 503, 201, 201]);
  assert.deepEqual(attempts, [1, 2, 3]);
});

test('the fingerprint ignores the order of object keys but not the values, path or method', () => {
  const a = fingerprintOf('post', '/v1/charges', { amount: 1, metadata: { a: '1', b: '2' } });
  assert.equal(a, fingerprintOf('POST', '/v1/charges', { metadata: { b: '2', a: '1' }, amount: 1 }));
  assert.notEqual(a, fingerprintOf('POST', '/v1/charges', { amount: 2, metadata: { a: '1', b: '2' } }));
  assert.notEqual(a, fingerprintOf('POST', '/v1/refunds', { amount: 1, metadata: { a: '1', b: '2' } }));
});
