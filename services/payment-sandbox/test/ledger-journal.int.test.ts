import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sandboxTokens } from '@microshop/contracts';
import { createFaultSwitch, createMetrics, type HttpApp, type HttpOutage } from '@microshop/platform';
import { startService } from '@microshop/platform/testing';
import { build, replayedHeader } from '../src/http/routes.ts';
import { openLedgerJournal } from '../src/store/journal.ts';
import { chargeBody, chargesOf, logger, postCharge, postRefund } from './harness.ts';

// The ledger outlives a restart, a request can be looked up by its key, and an operator's outage
// changes the answers but loses nothing.

const dataDir = mkdtempSync(join(tmpdir(), 'payment-sandbox-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function sandboxOn(
  dir: string,
  faults = createFaultSwitch<HttpOutage>(),
): Promise<{ app: HttpApp; close(): Promise<void> }> {
  const journal = openLedgerJournal(dir);
  const app = await build({
    logger,
    metrics: createMetrics('payment-sandbox-test'),
    settings: { slowMs: 300, errorTimes: 1 },
    journal,
    faults,
  });
  await app.ready();
  return {
    app,
    close: async () => {
      await app.close();
      await journal.close();
    },
  };
}

const lookup = (app: HttpApp, key: string) =>
  app.inject({ method: 'GET', url: `/v1/idempotency_keys/${key}` });

describe('the ledger on disk', () => {
  test('charges, refunds and idempotency keys are all there after a restart; a repeated request is replayed, not charged again', async () => {
    const dir = join(dataDir, 'restart');
    const first = await sandboxOn(dir);
    const charged = await postCharge(
      first.app,
      chargeBody(sandboxTokens.success, 'order-a', 5000),
      'order-a',
    );
    const chargeId = charged.json().id;
    await postRefund(first.app, { charge: chargeId, amount: 2000 }, 'refund-a');
    const declined = await postCharge(first.app, chargeBody(sandboxTokens.declined, 'order-b'), 'order-b');
    assert.equal(declined.statusCode, 402);
    await first.close();

    const second = await sandboxOn(dir);
    closeWhenDone(second);
    const charges = await chargesOf(second.app, 'order-a');
    assert.deepEqual(
      charges.map((c) => [c.id, c.amount, (c as unknown as { amount_refunded: number }).amount_refunded]),
      [[chargeId, 5000, 2000]],
    );
    const again = await postCharge(second.app, chargeBody(sandboxTokens.success, 'order-a', 5000), 'order-a');
    assert.deepEqual(
      [again.statusCode, again.headers[replayedHeader], again.json().id],
      [201, 'true', chargeId],
    );
    assert.equal(
      (await postCharge(second.app, chargeBody(sandboxTokens.declined, 'order-b'), 'order-b')).statusCode,
      402,
    );
    const refundAgain = await postRefund(second.app, { charge: chargeId, amount: 2000 }, 'refund-a');
    assert.equal(refundAgain.headers[replayedHeader], 'true');
    assert.equal((await chargesOf(second.app, 'order-a')).length, 1);
    const refunds = await second.app.inject({ method: 'GET', url: `/v1/refunds?charge=${chargeId}` });
    assert.equal(refunds.json().data.length, 1);
  });
});

describe('a request looked up by its idempotency key', () => {
  test('completed with its final answer, retryable after an outage answer, in progress while running, 404 when never made', async () => {
    const sandbox = await sandboxOn(join(dataDir, 'lookup'));
    closeWhenDone(sandbox);
    const { app } = sandbox;
    await postCharge(app, chargeBody(sandboxTokens.success, 'order-c', 700), 'order-c');
    const completed = (await lookup(app, 'order-c')).json();
    assert.deepEqual(
      [
        completed.object,
        completed.operation,
        completed.status,
        completed.response.status,
        completed.response.body.amount,
      ],
      ['idempotency_key', 'charge', 'completed', 201, 700],
    );

    assert.equal(
      (await postCharge(app, chargeBody(sandboxTokens.flaky, 'order-d'), 'order-d')).statusCode,
      500,
    );
    assert.deepEqual(
      [(await lookup(app, 'order-d')).json().status, (await lookup(app, 'order-d')).json().response],
      ['retryable', null],
    );

    const slow = postCharge(app, chargeBody(sandboxTokens.slow, 'order-e'), 'order-e');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await lookup(app, 'order-e')).json().status, 'in_progress');
    await slow;
    assert.equal((await lookup(app, 'order-e')).json().status, 'completed');

    const missing = await lookup(app, 'order-never');
    assert.deepEqual([missing.statusCode, missing.json().error.code], [404, 'resource_missing']);
  });
});

describe("an operator's outage", () => {
  test("unavailable answers 503 in the provider's shape; hang holds a charge until the outage ends, then makes it once", async () => {
    const faults = createFaultSwitch<HttpOutage>();
    const sandbox = await sandboxOn(join(dataDir, 'outage'), faults);
    closeWhenDone(sandbox);
    const { app } = sandbox;
    faults.start({ mode: 'unavailable', status: 503 });
    const refused = await postCharge(app, chargeBody(sandboxTokens.success, 'order-f'), 'order-f');
    assert.deepEqual([refused.statusCode, refused.json().error.type], [503, 'api_error']);
    assert.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);

    faults.start({ mode: 'hang', maxMs: 60_000 });
    let answered = 0;
    const send = () =>
      postCharge(app, chargeBody(sandboxTokens.success, 'order-g'), 'order-g').finally(() => {
        answered += 1;
      });
    const [held, retried] = [send(), send()]; // a client that timed out and retried with its key
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(answered, 0, 'both held (every /v1 request is, lookups too)');
    faults.stop();
    const answers = await Promise.all([held, retried]);

    assert.deepEqual(
      answers.map((answer) => answer.statusCode),
      [201, 201],
    );
    assert.equal((await chargesOf(app, 'order-g')).length, 1, 'charged once, when the outage ended');
    assert.equal((await chargesOf(app, 'order-f')).length, 0);
  });
});

test('the process keeps its ledger in DATA_DIR across a restart', async (t) => {
  const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const env = { DATA_DIR: join(dataDir, 'process'), LOG_LEVEL: 'warn' };
  const charge = (base: string) =>
    fetch(`${base}/v1/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'order-process' },
      body: JSON.stringify({
        amount: 100,
        currency: 'EUR',
        source: sandboxTokens.success,
        metadata: { orderId: 'order-process' },
      }),
    });
  const first = await startService(mainFile, env, t);
  const made = (await (await charge(first.base)).json()) as { id: string };
  assert.equal(await first.stop(), 0, first.output.join(''));

  const second = await startService(mainFile, env, t);
  const replayed = await charge(second.base);
  const list = (await (await fetch(`${second.base}/v1/charges?orderId=order-process`)).json()) as {
    data: { id: string }[];
  };
  assert.equal(await second.stop(), 0, second.output.join(''));

  assert.equal(replayed.headers.get(replayedHeader), 'true');
  assert.deepEqual(
    list.data.map((c) => c.id),
    [made.id],
  );
});

function closeWhenDone(sandbox: { close(): Promise<void> }): void {
  after(() => sandbox.close());
}
