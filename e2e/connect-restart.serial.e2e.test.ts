// Kafka Connect killed (SIGKILL, like a crash) while orders keep coming, then started again:
// Debezium resumes from the replication slot and no order's OrderCreated is lost. Some may be
// published twice (at least once); consumers dedupe by event id. Runs alone (".serial."): the
// outage would slow every other test down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topics } from '@microshop/contracts';
import { collectMessages } from '@microshop/platform/testing';
import { startConnect } from '../infra/src/connect.ts';
import { createOrder } from './lib/api.ts';
import { stopPartOfStack, testDirs, testSettings } from './lib/stack.ts';

describe('a Kafka Connect crash in the middle of a stream of orders', () => {
  it('loses no OrderCreated event', async () => {
    const created: string[] = [];
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        created.push((await createOrder()).body.id);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await new Promise((r) => setTimeout(r, 1500));
    await stopPartOfStack('connect', { crash: true });
    const duringOutage = created.length;
    await new Promise((r) => setTimeout(r, 2000));
    await startConnect(testSettings, testDirs);
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await writer;
    assert.ok(created.length > duringOutage, 'orders were accepted while Connect was down');

    const wanted = new Set(created);
    const messages = await collectMessages({
      topic: topics.orderOutbox,
      until: (ms) => {
        const seen = new Set(ms.map((m) => (m.value as { orderId?: string; type?: string }).orderId));
        return [...wanted].every((id) => seen.has(id));
      },
      timeoutMs: 90_000,
    });
    const createdEvents = messages.filter(
      (m) => wanted.has((m.value as { orderId: string }).orderId) && m.headers.type === 'OrderCreated',
    );
    const distinct = new Set(createdEvents.map((m) => m.eventId));
    assert.equal(distinct.size, created.length, 'one OrderCreated per order, none lost');
  });
});
