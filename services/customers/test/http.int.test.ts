import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { customerChangedEventSchema, customerSchema } from '@microshop/contracts';
import { problemDetailsSchema } from '@microshop/platform';
import { outboxInsertsDuring } from '@microshop/platform/testing';
import { httpApp, migratedSchema, uniqueEmail } from './harness.ts';

const db = await migratedSchema('customers_http');
const { app, as } = await httpApp(db);
after(() => app.close());
const operator = await as('operator');

type Injected = Awaited<ReturnType<typeof app.inject>>;

function problemOf(response: Injected) {
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/, response.body);
  return problemDetailsSchema.parse(response.json());
}

function post(payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/customers',
    payload: payload as object,
    headers: { ...operator, ...headers },
  });
}

function patch(id: string, payload: unknown, headers: Record<string, string> = operator) {
  return app.inject({ method: 'PATCH', url: `/api/v1/customers/${id}`, payload: payload as object, headers });
}

function get(id: string, headers: Record<string, string> = operator) {
  return app.inject({ method: 'GET', url: `/api/v1/customers/${id}`, headers });
}

async function registered(level?: string) {
  const response = await post({ name: 'Ann Smith', email: uniqueEmail(), ...(level ? { level } : {}) });
  assert.equal(response.statusCode, 201, response.body);
  return customerSchema.parse(response.json());
}

async function rowCount(): Promise<number> {
  const result = await db.pool.query('SELECT count(*)::int AS n FROM customers');
  return result.rows[0]?.n;
}

describe('POST /api/v1/customers', () => {
  test('registers a bronze customer by default and answers 201 with its Location', async () => {
    const email = uniqueEmail();
    const response = await post({ name: 'Ann Smith', email });

    assert.equal(response.statusCode, 201);
    const customer = customerSchema.parse(response.json());
    assert.equal(response.headers.location, `/api/v1/customers/${customer.id}`);
    assert.deepEqual(
      { name: customer.name, email: customer.email, level: customer.level },
      { name: 'Ann Smith', email, level: 'bronze' },
    );
    const read = await get(customer.id);
    assert.equal(read.statusCode, 200);
    assert.deepEqual(read.json(), customer);
  });

  test('writes CustomerRegistered with the whole customer to the outbox, keyed by the customer id', async () => {
    let customerId = '';
    const inserts = await outboxInsertsDuring(db, async () => {
      customerId = (await registered('gold')).id;
    });

    assert.equal(inserts.length, 1);
    const insert = inserts[0];
    assert.ok(insert);
    assert.ok(insert.line.includes("aggregatetype[text]:'microshop.customers'"), insert.line);
    assert.ok(insert.line.includes(`aggregateid[text]:'${customerId}'`), insert.line);
    const event = customerChangedEventSchema.parse(insert.payload);
    assert.equal(event.type, 'CustomerRegistered');
    assert.equal(event.customerId, customerId);
    assert.equal(event.customer.level, 'gold');
  });

  test('a second customer with the same email in another case is a customer of its own', async () => {
    const email = uniqueEmail('bob');
    const first = await post({ name: 'Bob', email });
    const second = await post({ name: 'Robert', email: email.toUpperCase() });

    assert.deepEqual([first.statusCode, second.statusCode], [201, 201], second.body);
    assert.notEqual(first.json().id, second.json().id);
    const rows = await db.pool.query('SELECT count(*)::int AS n FROM customers WHERE lower(email) = $1', [
      email,
    ]);
    assert.equal(rows.rows[0]?.n, 2);
  });

  test('malformed bodies are 400 problems naming the field, and write nothing', async () => {
    const before = await rowCount();
    const cases: [unknown, string, string][] = [
      [{ name: 'Ann', email: 'nope' }, 'email', 'email'],
      [{ email: uniqueEmail() }, 'name', 'required'],
      [{ name: 'Ann', email: uniqueEmail(), level: 'diamond' }, 'level', 'enum'],
      [{ name: 'Ann', email: uniqueEmail(), id: randomUUID() }, 'id', 'unknownField'],
    ];
    for (const [body, field, rule] of cases) {
      const response = await post(body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      const problem = problemOf(response);
      assert.deepEqual(
        problem.errors.map((error) => [error.field, error.rule]),
        [[field, rule]],
        JSON.stringify(body),
      );
    }
    assert.equal(await rowCount(), before);
  });

  test('the same Idempotency-Key with the same body answers 200 with the same customer; another body 422', async () => {
    const key = `key-${randomUUID()}`;
    const body = { name: 'Cleo', email: uniqueEmail('cleo'), level: 'silver' };

    const first = await post(body, { 'idempotency-key': key });
    const again = await post(
      { level: 'silver', email: body.email, name: 'Cleo' },
      { 'idempotency-key': key },
    );
    const other = await post({ ...body, name: 'Someone else' }, { 'idempotency-key': key });

    assert.equal(first.statusCode, 201);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), first.json());
    assert.equal(again.headers.location, first.headers.location);
    assert.equal(other.statusCode, 422);
    assert.equal(problemOf(other).code, 'IDEMPOTENCY_KEY_REUSED');
  });
});

describe('who may call what', () => {
  test('without a token every customers route answers 401', async () => {
    const customer = await registered();
    const answers = await Promise.all([
      post({ name: 'Ann', email: uniqueEmail() }, { authorization: '' }),
      get(customer.id, {}),
      patch(customer.id, { level: 'gold' }, {}),
    ]);
    assert.deepEqual(
      answers.map((answer) => answer.statusCode),
      [401, 401, 401],
    );
  });

  test('a customer reads only their own record; another one is a 404 like an unknown id', async () => {
    const customer = await registered();
    const own = await get(customer.id, await as('customer', customer.id));
    assert.equal(own.statusCode, 200);
    assert.deepEqual(own.json(), customer);

    const stranger = await as('customer');
    const other = await get(customer.id, stranger);
    const unknown = await get(randomUUID(), stranger);
    assert.deepEqual([other.statusCode, unknown.statusCode], [404, 404]);
    assert.equal(problemOf(other).code, 'NOT_FOUND');
  });

  test('only operators register customers and change levels (a customer, even about themselves, gets 403)', async () => {
    const customer = await registered();
    const self = await as('customer', customer.id);
    const registering = await post({ name: 'Eve', email: uniqueEmail('eve') }, self);
    const upgrading = await patch(customer.id, { level: 'platinum' }, self);
    assert.deepEqual([registering.statusCode, upgrading.statusCode], [403, 403]);
    assert.equal(problemOf(upgrading).code, 'FORBIDDEN');
    assert.equal((await get(customer.id)).json().level, 'bronze');
  });
});

describe('GET /api/v1/customers/{id}', () => {
  test('an unknown customer is a 404 problem and a malformed id a 400 naming id', async () => {
    const unknown = await get(randomUUID());
    assert.equal(unknown.statusCode, 404);
    assert.equal(problemOf(unknown).code, 'NOT_FOUND');

    const malformed = await get('not-a-uuid');
    assert.equal(malformed.statusCode, 400);
    assert.deepEqual(
      problemOf(malformed).errors.map((error) => error.field),
      ['id'],
    );
  });
});

describe('PATCH /api/v1/customers/{id}', () => {
  test('a level change answers 200 with the customer and writes CustomerUpdated carrying it', async () => {
    const customer = await registered();
    let answer: unknown;
    const inserts = await outboxInsertsDuring(db, async () => {
      const response = await patch(customer.id, { level: 'platinum' });
      assert.equal(response.statusCode, 200, response.body);
      answer = response.json();
    });

    const changed = customerSchema.parse(answer);
    assert.equal(changed.level, 'platinum');
    assert.equal(changed.name, customer.name);
    assert.ok(Date.parse(changed.updatedAt) > Date.parse(customer.updatedAt));
    assert.equal(inserts.length, 1);
    const event = customerChangedEventSchema.parse(inserts[0]?.payload);
    assert.equal(event.type, 'CustomerUpdated');
    assert.deepEqual(event.customer, changed);
    const read = await get(customer.id);
    assert.deepEqual(read.json(), changed);
  });

  test('a change to the values the customer already has answers 200 and writes no event', async () => {
    const customer = await registered('silver');
    const inserts = await outboxInsertsDuring(db, async () => {
      const response = await patch(customer.id, { level: 'silver' });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), customer);
    });
    assert.deepEqual(inserts, []);
  });

  test('an unknown customer is a 404; an empty change, an email or a bad level a 400', async () => {
    assert.equal((await patch(randomUUID(), { level: 'gold' })).statusCode, 404);
    const customer = await registered();
    for (const [body, fields] of [
      [{}, ['(body)']],
      [{ email: uniqueEmail() }, ['email', '(body)']],
      [{ level: 'diamond' }, ['level']],
    ] as const) {
      const response = await patch(customer.id, body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.deepEqual(
        problemOf(response).errors.map((error) => error.field),
        fields,
      );
    }
  });
});
