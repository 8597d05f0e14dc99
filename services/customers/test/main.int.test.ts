import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { customerSchema } from '@microshop/contracts';
import { createTestSchema, startService, testDatabaseUrl } from '@microshop/platform/testing';
import { devOperator } from '../src/config.ts';
import { testIdentityEnv, uniqueEmail } from './harness.ts';

// The consumer-free path end to end: the real process on its own port, PostgreSQL, no Kafka.

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));

test('the process starts ready with the operator account, registers and serves customers over HTTP, and stops cleanly on SIGTERM', async (t) => {
  const db = await createTestSchema('customers_main', t);
  const service = await startService(
    mainFile,
    {
      ...testIdentityEnv,
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_SCHEMA: db.name,
      INSTANCE_ID: 'customers-test',
    },
    t,
  );
  const json = { 'content-type': 'application/json' };
  const signIn = await fetch(`${service.base}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(devOperator),
  });
  assert.equal(signIn.status, 200);
  const { accessToken } = (await signIn.json()) as { accessToken: string };
  const operator = { ...json, authorization: `Bearer ${accessToken}` };

  const created = await fetch(`${service.base}/api/v1/customers`, {
    method: 'POST',
    headers: operator,
    body: JSON.stringify({ name: 'Eve', email: uniqueEmail('eve'), level: 'platinum' }),
  });
  assert.equal(created.status, 201);
  const customer = customerSchema.parse(await created.json());
  assert.equal(customer.level, 'platinum');
  const read = await fetch(`${service.base}${created.headers.get('location')}`, { headers: operator });
  assert.equal(read.status, 200);
  assert.deepEqual(await read.json(), customer);

  assert.equal(await service.stop(), 0, service.output.join(''));
  assert.match(service.output.join(''), /"msg":"service stopped"/);
});

test('outside the dev and test profiles the process refuses to start without an operator account', async (t) => {
  const db = await createTestSchema('customers_main_prod', t);
  await assert.rejects(
    startService(
      mainFile,
      { DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: db.name, MICROSHOP_PROFILE: '' },
      t,
    ),
    /MICROSHOP_OPERATOR_EMAIL: is required outside the dev and test profiles[\s\S]*MICROSHOP_OPERATOR_PASSWORD/,
  );
});
