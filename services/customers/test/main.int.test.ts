import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { customerSchema } from '@microshop/contracts';
import { createTestSchema, startService, testDatabaseUrl } from '@microshop/platform/testing';
import { uniqueEmail } from './harness.ts';

// The consumer-free path end to end: the real process on its own port, PostgreSQL, no Kafka.

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));

test('the process starts ready, registers and serves customers over HTTP, and stops cleanly on SIGTERM', async (t) => {
  const db = await createTestSchema('customers_main', t);
  const service = await startService(
    mainFile,
    { DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: db.name, INSTANCE_ID: 'customers-test' },
    t,
  );

  const created = await fetch(`${service.base}/api/v1/customers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Eve', email: uniqueEmail('eve'), level: 'platinum' }),
  });
  assert.equal(created.status, 201);
  const customer = customerSchema.parse(await created.json());
  assert.equal(customer.level, 'platinum');
  const read = await fetch(`${service.base}${created.headers.get('location')}`);
  assert.equal(read.status, 200);
  assert.deepEqual(await read.json(), customer);

  assert.equal(await service.stop(), 0, service.output.join(''));
  assert.match(service.output.join(''), /"msg":"service stopped"/);
});
