// A poison record on the running stack (an OrderCreated that breaks its schema): every consumer group
// of the order topic that reads OrderCreated parks it on the dead-letter topic, and the operations
// service indexes one dead letter per group. An operator lists and reads them (through the gateway,
// and with `npm run dlq`) and redrives fraud's: the copy goes back to the topic addressed to fraud,
// which alone handles it, once (it fails again: its dead letter is reopened, no new one appears); a
// second redrive asked for at the same time is refused. Then all are discarded with a reason. Every
// step is in the audit log.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { topics } from '@microshop/contracts';
import { eventually } from './lib/api.ts';
import { allMessagesAbout, groupsCaughtUp, orderOutboxConsumers, producePoison } from './lib/kafka.ts';
import { type DeadLetterSummary, deadLettersOf, ops } from './lib/ops.ts';

/** The groups that parked a record of the order: every group of the topic has read past it by then. */
async function parkedBy(orderId: string): Promise<string[]> {
  await groupsCaughtUp(orderOutboxConsumers, [topics.orderOutbox], 60_000);
  const parked = await allMessagesAbout(topics.deadLetter, [orderId]);
  return parked.map((m) => m.headers['dlq.group'] as string).sort();
}

describe('dead letters on the running stack', () => {
  it('are listed, read, redriven to the failed group alone, handled once, discarded, and audited', async () => {
    const orderId = randomUUID();
    const record = await producePoison(orderId);
    const groups = await parkedBy(orderId);
    assert.ok(groups.includes('fraud'), `fraud parked it (${groups.join(', ')})`);
    const parked = await eventually('a dead letter per group that parked it', async () => {
      const found = await deadLettersOf(record);
      return found.length === groups.length ? found : undefined;
    });
    assert.deepEqual(parked.map((d) => d.group).sort(), groups);
    assert.ok(parked.every((d) => d.code === 'VALIDATION_FAILED' && d.status === 'open'));
    const fraud = parked.find((d) => d.group === 'fraud') as DeadLetterSummary;

    const shown = await ops.call<{ value: { json: { orderId: string } }; headers: { name: string }[] }>(
      'GET',
      `/api/v1/ops/dead-letters/${fraud.id}`,
    );
    assert.equal(shown.value.json.orderId, orderId);
    assert.ok(shown.headers.some((h) => h.name === 'e2e-marker'));
    const cli = await promisify(execFile)(process.execPath, [
      'infra/src/dlq.ts',
      'list',
      '--group',
      'fraud',
      '--test',
    ]);
    assert.match(cli.stdout, new RegExp(fraud.id));

    const ask = () =>
      ops.call<{ batchId: string }>('POST', '/api/v1/ops/dead-letters/redrive', {
        ids: [fraud.id],
        expectedCount: 1,
        reason: 'e2e',
      });
    const answers = await Promise.allSettled([ask(), ask()]);
    const accepted = answers.filter((a) => a.status === 'fulfilled');
    const refused = answers.filter((a) => a.status === 'rejected');
    assert.equal(accepted.length, 1, 'one redrive of a double click');
    assert.match(String(refused[0]?.reason), /409.*already pending/);
    const { batchId } = (accepted[0] as PromiseFulfilledResult<{ batchId: string }>).value;
    await eventually('the redrive produced', async () => {
      const batch = await ops.call<{ done: boolean }>('GET', `/api/v1/ops/redrives/${batchId}`);
      return batch.done ? true : undefined;
    });

    const copies = (await allMessagesAbout(topics.orderOutbox, [orderId])).filter(
      (m) => m.headers['redrive.id'],
    );
    assert.deepEqual(
      copies.map((m) => [m.headers['redrive.group'], m.headers['redrive.id'], m.headers['redrive.count']]),
      [['fraud', fraud.id, '1']],
      'one copy, addressed to fraud',
    );
    assert.deepEqual(
      await parkedBy(orderId),
      [...groups, 'fraud'].sort(),
      'fraud alone handled the copy, once',
    );
    const after = await eventually('fraud’s dead letter reopened', async () => {
      const found = await deadLettersOf(record);
      return found.find((d) => d.group === 'fraud')?.failures === 2 ? found : undefined;
    });
    assert.equal(after.length, groups.length, 'no new dead letter: the copy reopened its own');
    assert.deepEqual(
      after.filter((d) => d.group !== 'fraud').map((d) => d.failures),
      groups.filter((g) => g !== 'fraud').map(() => 1),
    );
    const reopened = after.find((d) => d.group === 'fraud') as DeadLetterSummary;
    assert.deepEqual([reopened.status, reopened.redriveCount], ['open', 1]);

    const discarded = await ops.call<{ count: number }>('POST', '/api/v1/ops/dead-letters/discard', {
      ids: after.map((d) => d.id),
      expectedCount: after.length,
      reason: 'poison record of the e2e test',
    });
    assert.equal(discarded.count, groups.length);
    const audit = await ops.call<{ items: { action: string }[] }>(
      'GET',
      `/api/v1/ops/audit?targetId=${fraud.id}`,
    );
    assert.deepEqual(audit.items.map((e) => e.action).reverse(), [
      'dead-letter.redrive',
      'dead-letter.redriven',
      'dead-letter.failed-again',
      'dead-letter.discard',
    ]);
  });
});
