import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import type { HttpApp } from '@microshop/platform';
import { replayedHeader } from '../src/http/routes.ts';
import { chargeBody, postCharge, postRefund, sandbox } from './harness.ts';

const app = await sandbox();

async function charged(amount: number): Promise<string> {
  const response = await postCharge(app, chargeBody(sandboxTokens.success, randomUUID(), amount));
  assert.equal(response.statusCode, 201);
  return response.json().id;
}

async function refundsOf(target: HttpApp, charge: string): Promise<{ amount: number }[]> {
  return (await target.inject({ method: 'GET', url: `/v1/refunds?charge=${charge}` })).json().data;
}

test('a refund without an amount refunds the whole charge and marks it refunded', async () => {
  const charge = await charged(5000);

  const response = await postRefund(app, { charge });

  assert.equal(response.statusCode, 201);
  const refund = response.json();
  assert.match(refund.id, /^re_/);
  assert.deepEqual(
    { ...refund, id: undefined, created: undefined },
    {
      id: undefined,
      object: 'refund',
      charge,
      amount: 5000,
      currency: 'EUR',
      status: 'succeeded',
      created: undefined,
    },
  );
  const after = (await app.inject({ method: 'GET', url: `/v1/charges/${charge}` })).json();
  assert.deepEqual([after.amount_refunded, after.refunded], [5000, true]);
});

test('partial refunds add up to the charge; one cent more is refused with 400 amount_too_large', async () => {
  const charge = await charged(5000);

  const first = await postRefund(app, { charge, amount: 3000 });
  const tooMuch = await postRefund(app, { charge, amount: 2001 });
  const rest = await postRefund(app, { charge, amount: 2000 });

  assert.deepEqual([first.statusCode, tooMuch.statusCode, rest.statusCode], [201, 400, 201]);
  assert.deepEqual(
    { type: tooMuch.json().error.type, code: tooMuch.json().error.code, param: tooMuch.json().error.param },
    { type: 'invalid_request_error', code: 'amount_too_large', param: 'amount' },
  );
  assert.deepEqual(
    (await refundsOf(app, charge)).map((r) => r.amount),
    [3000, 2000],
  );
});

test('refunding more than was captured is a 400 and refunds nothing', async () => {
  const charge = await charged(5000);

  const response = await postRefund(app, { charge, amount: 5001 });

  assert.equal(response.statusCode, 400);
  assert.equal(response.json().error.code, 'amount_too_large');
  assert.deepEqual(await refundsOf(app, charge), []);
});

test('a charge refunded in full takes no further refund', async () => {
  const charge = await charged(700);
  await postRefund(app, { charge });

  const again = await postRefund(app, { charge });

  assert.equal(again.statusCode, 400);
  assert.equal(again.json().error.code, 'charge_already_refunded');
});

test('the same refund key twice refunds once and replays; with another body it is a 422', async () => {
  const charge = await charged(5000);
  const key = `refund-${randomUUID()}`;

  const first = await postRefund(app, { charge, amount: 1000 }, key);
  const replay = await postRefund(app, { charge, amount: 1000 }, key);
  const other = await postRefund(app, { charge, amount: 2000 }, key);

  assert.deepEqual([first.statusCode, replay.statusCode, other.statusCode], [201, 201, 422]);
  assert.equal(replay.headers[replayedHeader], 'true');
  assert.equal(replay.json().id, first.json().id);
  assert.deepEqual(
    (await refundsOf(app, charge)).map((r) => r.amount),
    [1000],
  );
});

test('a refund of an unknown charge is a 404; one without a key a 400', async () => {
  const unknown = await postRefund(app, { charge: 'ch_missing' });
  const keyless = await postRefund(app, { charge: await charged(100) }, null);

  assert.equal(unknown.statusCode, 404);
  assert.deepEqual([unknown.json().error.code, unknown.json().error.param], ['resource_missing', 'charge']);
  assert.equal(keyless.statusCode, 400);
  assert.equal(keyless.json().error.code, 'idempotency_key_missing');
});
