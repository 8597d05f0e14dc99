import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type Customer, customerSchema } from '@microshop/contracts';
import { problemDetailsSchema } from '@microshop/platform';
import { z } from 'zod';
import { httpApp, migratedSchema, uniqueEmail } from './harness.ts';

// GET /api/v1/customers: the operators' list, newest first, keyset-paged, by level or email prefix.

const db = await migratedSchema('customers_list');
const { app, as } = await httpApp(db);
after(() => app.close());
const operator = await as('operator');

const page = z.object({ items: z.array(customerSchema), next: z.string().nullable() });

async function list(query: string, headers: Record<string, string> = operator) {
  return app.inject({ method: 'GET', url: `/api/v1/customers${query}`, headers });
}

async function register(name: string, email: string, level = 'bronze') {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/customers',
    payload: { name, email, level },
    headers: operator,
  });
  assert.equal(response.statusCode, 201, response.body);
  return customerSchema.parse(response.json());
}

const prefix = uniqueEmail('list').split('@')[0] as string;
const made: Customer[] = [];
for (const [index, level] of ['gold', 'bronze', 'gold', 'silver', 'gold'].entries()) {
  made.push(await register(`List ${index}`, `${prefix}.${index}@Example.com`, level));
}

describe('GET /api/v1/customers', () => {
  test('pages the customers whose email starts with a prefix, newest first, the same page on repeat', async () => {
    const first = page.parse((await list(`?q=${prefix.toUpperCase()}&limit=2`)).json());
    assert.deepEqual(
      first.items.map((c) => c.id),
      [made[4]?.id, made[3]?.id],
    );
    assert.ok(first.next);
    const second = page.parse((await list(`?q=${prefix}&limit=2&cursor=${first.next}`)).json());
    assert.deepEqual(
      second.items.map((c) => c.id),
      [made[2]?.id, made[1]?.id],
    );
    await register('Later', `${prefix}.9@example.com`);
    const again = page.parse((await list(`?q=${prefix}&limit=2&cursor=${first.next}`)).json());
    assert.deepEqual(again, second);
    const last = page.parse((await list(`?q=${prefix}&limit=2&cursor=${second.next}`)).json());
    assert.deepEqual(
      last.items.map((c) => c.id),
      [made[0]?.id],
    );
    assert.equal(last.next, null);
  });

  test('lists one level only', async () => {
    const golds = page.parse((await list(`?q=${prefix}&level=gold`)).json());
    assert.deepEqual(
      golds.items.map((c) => c.name),
      ['List 4', 'List 2', 'List 0'],
    );
  });

  test('takes a prefix with % and _ literally', async () => {
    const none = page.parse((await list(`?q=${encodeURIComponent(`${prefix.slice(0, 3)}%`)}`)).json());
    assert.deepEqual(none.items, []);
  });

  test('names the field of a bad level, limit or cursor', async () => {
    for (const [query, field] of [
      ['?level=diamond', 'level'],
      ['?limit=0', 'limit'],
      ['?cursor=not-a-cursor', 'cursor'],
    ] as const) {
      const response = await list(query);
      assert.equal(response.statusCode, 400, query);
      const problem = problemDetailsSchema.parse(response.json());
      assert.ok(
        problem.errors.some((e) => e.field === field),
        `${query}: ${JSON.stringify(problem.errors)}`,
      );
    }
  });

  test('is for operators only', async () => {
    assert.equal((await list('', await as('customer'))).statusCode, 403);
    assert.equal((await list('', {})).statusCode, 401);
  });
});
