import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fetchJson, startService } from '../src/testing/process.ts';

// startService against a stand-in process: what every service's main test relies on.

const main = new URL('./fixtures/ready-process.ts', import.meta.url);

test('the process runs with the given environment on its own port until ready, and stops with its exit code', async (t) => {
  const service = await startService(main, { GREETING: 'shop' }, t);

  assert.match(service.base, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(await fetchJson(`${service.base}/hello`), { status: 200, body: { hello: 'shop' } });
  assert.equal(await service.stop(), 0);
  assert.match(service.output.join(''), /listening\nstopping\n/);
  assert.equal(await fetchJson(`${service.base}/hello`), null, 'nothing listens after the stop');
});

test('a process that exits before it is ready fails the start at once, with what it wrote', async (t) => {
  const started = Date.now();
  await assert.rejects(
    startService(main, { EXIT_AT_START: 'no database' }, t, { readyTimeoutMs: 20_000 }),
    /exited \(3\) before ready; the process wrote:\ncannot start: no database/,
  );
  assert.ok(Date.now() - started < 10_000, 'did not wait for the ready deadline');
});
