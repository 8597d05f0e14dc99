// The watchdog of order-background, end to end: with the validation aggregator down, an order gets
// no decision and stays CREATED; past the test stack's deadline (WATCHDOG_CREATED_DEADLINE_MS = 15 s)
// the watchdog's ExpireOrder command fails it with reason TIMEOUT. When the aggregator comes back
// and decides, the late decision changes nothing. Runs alone (".serial."): it stops a service.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceInstances } from '../infra/src/apphost.ts';
import { stackDirs } from '../infra/src/paths.ts';
import { readPid, stopRecorded, waitUntil } from '../infra/src/proc.ts';
import { startService } from '../infra/src/stack.ts';
import { api, createOrder, eventually, type OrderBody } from './lib/api.ts';
import { testSettings } from './lib/stack.ts';

describe('the watchdog', () => {
  it('fails an order stuck in CREATED with reason TIMEOUT, and a late validation decision changes nothing', async () => {
    const dirs = stackDirs(testSettings.home);
    const aggregators = serviceInstances(testSettings).filter((i) => i.service === 'validation-aggregator');
    for (const inst of aggregators) {
      const rec = readPid(dirs.run, inst.part);
      assert.ok(rec, `${inst.part} is running`);
      await stopRecorded(dirs.run, rec);
    }
    try {
      const { body: order } = await createOrder();
      const res = await api<OrderBody>('GET', `/api/v1/orders/${order.id}?waitFor=FAILED&timeout=30000`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, 'FAILED');
      assert.deepEqual(res.body.reasons, ['TIMEOUT']);

      for (const inst of aggregators) {
        const part = startService(inst, dirs);
        await waitUntil(
          part,
          'ready',
          async () => (await fetch(`http://127.0.0.1:${inst.port}/ready`)).ok,
          60_000,
        );
      }
      // The aggregator catches up and decides on the three results it missed …
      await eventually('the aggregator to decide the order', async () => {
        const r = await api<{ decision: unknown }>('GET', `/api/v1/validations/${order.id}`, {
          baseUrl: `http://127.0.0.1:${aggregators[0]?.port}`,
        });
        return r.status === 200 && r.body.decision ? r.body.decision : undefined;
      });
      // … and the order, already FAILED by the watchdog, stays as it is.
      const after = await api<OrderBody>('GET', `/api/v1/orders/${order.id}`);
      assert.equal(after.body.status, 'FAILED');
      assert.deepEqual(after.body.reasons, ['TIMEOUT']);
    } finally {
      for (const inst of aggregators) {
        if (!readPid(dirs.run, inst.part)) startService(inst, dirs);
      }
    }
  });
});
