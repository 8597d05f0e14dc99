import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import { replayedHeader } from '../src/http/routes.ts';
import { chargeBody, chargesOf, postCharge, sandbox } from './harness.ts';

const app = await sandbox({ slowMs: 300, errorTimes: 2 });

test('tok_visa is charged at once: 201 with a succeeded charge carrying the metadata', async () => {
  const orderId = randomUUID();
  const response = await postCharge(app, chargeBody(sandboxTokens.success, orderId, 4200));

  assert.equal(response.statusCode, 201);
  const charge = response.json();
  assert.match(charge.id, /^ch_[0-9a-f]{24}$/);
  assert.deepEqual(
    { ...charge, id: undefined, created: undefined },
    {
      id: undefined,
      object: 'charge',
      status: 'succeeded',
      amount: 4200,
      currency: 'EUR',
      metadata: { orderId },
      created: undefined,
      amount_refunded: 0,
      refunded: false,
    },
  );
  assert.ok(Math.abs(charge.created - Date.now() / 1000) < 60);
  const fetched = await app.inject({ method: 'GET', url: `/v1/charges/${charge.id}` });
  assert.deepEqual(fetched.json(), charge);
});

test('tok_chargeDeclined is declined with 402 card_declined and leaves no charge', async () => {
  const orderId = randomUUID();
  const response = await postCharge(app, chargeBody(sandboxTokens.declined, orderId));

  assert.equal(response.statusCode, 402);
  assert.deepEqual(response.json(), {
    error: {
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
      message: 'Your card was declined.',
    },
  });
  assert.deepEqual(await chargesOf(app, orderId), []);
});

test('tok_slow answers only after the configured delay, then with a charge', async () => {
  const started = Date.now();
  const response = await postCharge(app, chargeBody(sandboxTokens.slow));

  assert.equal(response.statusCode, 201);
  assert.ok(Date.now() - started >= 290, `answered after ${Date.now() - started} ms`);
});

test('tok_error fails with 500 then 503 for one key, then charges once and replays that charge', async () => {
  const orderId = randomUUID();
  const key = `order-${orderId}`;
  const body = chargeBody(sandboxTokens.flaky, orderId);

  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await postCharge(app, body, key));

  assert.deepEqual(
    answers.map((a) => a.statusCode),
    [500, 503, 201, 201],
  );
  assert.equal(answers[0]?.json().error.type, 'api_error');
  assert.equal(answers[3]?.headers[replayedHeader], 'true');
  assert.equal(answers[3]?.json().id, answers[2]?.json().id);
  assert.equal((await chargesOf(app, orderId)).length, 1);
});

test('an unknown token is a 400 invalid_request_error naming the source', async () => {
  const response = await postCharge(app, chargeBody('tok_nonsense'));

  assert.equal(response.statusCode, 400);
  assert.deepEqual(response.json().error, {
    type: 'invalid_request_error',
    code: 'token_invalid',
    param: 'source',
    message: "No such token: 'tok_nonsense'",
  });
});

test('a charge without an Idempotency-Key is refused with 400 and charges nothing', async () => {
  const orderId = randomUUID();
  const response = await postCharge(app, chargeBody(sandboxTokens.success, orderId), null);

  assert.equal(response.statusCode, 400);
  assert.equal(response.json().error.code, 'idempotency_key_missing');
  assert.deepEqual(await chargesOf(app, orderId), []);
});

test('a bad or missing parameter is a 400 naming it, in the provider shape', async () => {
  const missing = await postCharge(app, { currency: 'EUR', source: sandboxTokens.success });
  const invalid = await postCharge(app, { ...chargeBody(sandboxTokens.success), amount: 12.5 });
  const unknown = await postCharge(app, { ...chargeBody(sandboxTokens.success), capture: false });
  const notJson = await app.inject({
    method: 'POST',
    url: '/v1/charges',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    payload: '{"amount":',
  });

  assert.deepEqual(
    [missing, invalid, unknown].map((r) => [r.statusCode, r.json().error.code, r.json().error.param]),
    [
      [400, 'parameter_missing', 'amount'],
      [400, 'parameter_invalid', 'amount'],
      [400, 'parameter_unknown', 'capture'],
    ],
  );
  assert.equal(notJson.statusCode, 400);
  assert.equal(notJson.json().error.type, 'invalid_request_error');
});

test('an unknown charge id is a 404 resource_missing; an unknown URL a 404 in the provider shape', async () => {
  const charge = await app.inject({ method: 'GET', url: '/v1/charges/ch_missing' });
  const url = await app.inject({ method: 'GET', url: '/v1/customers' });

  assert.equal(charge.statusCode, 404);
  assert.equal(charge.json().error.code, 'resource_missing');
  assert.equal(url.statusCode, 404);
  assert.equal(url.json().error.type, 'invalid_request_error');
});

test('charges are listed per order from their metadata', async () => {
  const orderId = randomUUID();
  await postCharge(app, chargeBody(sandboxTokens.success, orderId, 100));
  await postCharge(app, chargeBody(sandboxTokens.success, orderId, 200));
  await postCharge(app, chargeBody(sandboxTokens.success));

  const listed = await app.inject({ method: 'GET', url: `/v1/charges?orderId=${orderId}` });

  assert.equal(listed.json().object, 'list');
  assert.deepEqual(
    listed.json().data.map((c: { amount: number }) => c.amount),
    [100, 200],
  );
});
