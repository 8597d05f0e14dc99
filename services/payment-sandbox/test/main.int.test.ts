import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sandboxTokens } from '@microshop/contracts';
import { startService } from '@microshop/platform/testing';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));

test('the process answers /ready, charges over real HTTP with its configured errors, and stops on SIGTERM', async (t) => {
  const service = await startService(mainFile, { SANDBOX_ERROR_TIMES: '1', LOG_LEVEL: 'warn' }, t);

  const charge = () =>
    fetch(`${service.base}/v1/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'main-test' },
      body: JSON.stringify({ amount: 100, currency: 'EUR', source: sandboxTokens.flaky, metadata: {} }),
    });
  const statuses = [(await charge()).status, (await charge()).status];

  assert.deepEqual(statuses, [500, 201]);
  assert.equal(await service.stop(), 0, service.output.join(''));
});
