import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import { replayedHeader } from '../src/http/routes.ts';
import { chargeBody, chargesOf, postCharge, sandbox } from './harness.ts';

const app = await sandbox({ slowMs: 300, errorTimes: 2 });

test('the same key with the same body twice makes one charge and replays it the second time', async () => {
  const orderId = randomUUID();
  const body = chargeBody(sandboxTokens.success, orderId);

  const first = await postCharge(app, body, `order-${orderId}`);
  // The same parameters in another order are the same request.
  const second = await postCharge(
    app,
    { metadata: body.metadata, source: body.source, currency: body.currency, amount: body.amount },
    `order-${orderId}`,
  );

  assert.equal(first.statusCode, 201);
  assert.equal(first.headers[replayedHeader], undefined);
  assert.equal(second.statusCode, 201);
  assert.equal(second.headers[replayedHeader], 'true');
  assert.deepEqual(second.json(), first.json());
  assert.equal((await chargesOf(app, orderId)).length, 1);
});

test('the same key with another body is refused with 422 and charges nothing more', async () => {
  const orderId = randomUUID();
  await postCharge(app, chargeBody(sandboxTokens.success, orderId, 5000), `order-${orderId}`);

  const other = await postCharge(app, chargeBody(sandboxTokens.success, orderId, 9999), `order-${orderId}`);

  assert.equal(other.statusCode, 422);
  assert.deepEqual(
    { type: other.json().error.type, code: other.json().error.code },
    { type: 'idempotency_error', code: 'idempotency_key_reused' },
  );
  assert.deepEqual(
    (await chargesOf(app, orderId)).map((c) => c.amount),
    [5000],
  );
});

test('a declined charge is replayed as the same decline for its key', async () => {
  const orderId = randomUUID();
  const body = chargeBody(sandboxTokens.declined, orderId);

  const first = await postCharge(app, body, `order-${orderId}`);
  const second = await postCharge(app, body, `order-${orderId}`);

  assert.deepEqual([first.statusCode, second.statusCode], [402, 402]);
  assert.equal(second.headers[replayedHeader], 'true');
});

test('20 concurrent requests with one key make exactly one charge and all get it', async () => {
  const orderId = randomUUID();
  const body = chargeBody(sandboxTokens.success, orderId);

  const answers = await Promise.all(
    Array.from({ length: 20 }, () => postCharge(app, body, `order-${orderId}`)),
  );

  assert.deepEqual(new Set(answers.map((a) => a.statusCode)), new Set([201]));
  assert.equal(new Set(answers.map((a) => a.json().id)).size, 1);
  assert.equal(answers.filter((a) => a.headers[replayedHeader] === 'true').length, 19);
  assert.equal((await chargesOf(app, orderId)).length, 1);
});

test('a request with the key of a slow charge still in flight waits for it and gets the same charge', async () => {
  const orderId = randomUUID();
  const body = chargeBody(sandboxTokens.slow, orderId);

  const first = postCharge(app, body, `order-${orderId}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const waiting = Array.from({ length: 5 }, () => postCharge(app, body, `order-${orderId}`));
  const answers = await Promise.all([first, ...waiting]);

  assert.equal(new Set(answers.map((a) => a.json().id)).size, 1);
  assert.equal((await chargesOf(app, orderId)).length, 1);
});

test('concurrent requests for a tok_error key see the outages one after the other, then one charge', async () => {
  const orderId = randomUUID();
  const body = chargeBody(sandboxTokens.flaky, orderId);

  const answers = await Promise.all(
    Array.from({ length: 6 }, () => postCharge(app, body, `order-${orderId}`)),
  );

  assert.deepEqual(answers.map((a) => a.statusCode).sort(), [201, 201, 201, 201, 500, 503]);
  assert.equal((await chargesOf(app, orderId)).length, 1);
});
