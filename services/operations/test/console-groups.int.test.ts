import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testKafkaBootstrapServers, uniqueGroup } from '@microshop/platform/testing';
import { Consumer } from '@platformatic/kafka';
import { base, kafkaBed } from './kafka-bed.ts';

// Topics and consumer groups through the HTTP API, on the test stack's Kafka: a topic's size on
// disk, a group's lag in records and in time (and when it last committed), and the offset reset of
// an idle group — a dry run, the refusal without a reason or while it has members, and the real
// reset with its record and its audit entry.

type Partition = {
  partition: number;
  current: string | null;
  next: string;
  replayed: string;
  skipped: string;
};

describe('topics and consumer groups', () => {
  it('shows a topic’s size on disk, in all and per partition', async (t) => {
    const { app, topic, headers } = await kafkaBed(t, 'ops_console_sizes');
    const list = await app.inject({ url: '/api/v1/ops/kafka/topics', headers });
    assert.equal(list.statusCode, 200, list.body);
    const summary = list.json().topics.find((s: { name: string }) => s.name === topic);
    assert.ok(Number(summary.sizeBytes) > 20 * 50, `20 records take some bytes: ${summary.sizeBytes}`);
    assert.equal(summary.records, '20');
    const detail = (await app.inject({ url: `/api/v1/ops/kafka/topics/${topic}`, headers })).json();
    const sizes = detail.partitions.map((p: { sizeBytes: string }) => Number(p.sizeBytes));
    assert.equal(sizes.length, 2);
    assert.ok(sizes.every((size: number) => size > 0));
    assert.equal(String(sizes[0] + sizes[1]), detail.sizeBytes);
  });

  it('measures a group’s lag in records and in time, on its page and on the topic list', async (t) => {
    const { app, topic, headers, groups, samples } = await kafkaBed(t, 'ops_console_lag');
    const group = uniqueGroup('ops-console-lag');
    await (await joined(t, group, topic)).close(true); // a consumer group, now without members
    // Consumed up to record 4 on partition 0 (records 0, 2, 4, 6 …) and record 5 on partition 1.
    await groups.alter(
      group,
      topic,
      new Map([
        [0, 2n],
        [1, 3n],
      ]),
    );
    await samples.run();
    const first = await lagOf(app, headers, group);
    assert.deepEqual(
      first.partitions.map((p) => [p.partition, p.lag, p.oldestUnconsumedAt]),
      [
        [0, '8', new Date(base + 4_000).toISOString()],
        [1, '7', new Date(base + 7_000).toISOString()],
      ],
    );
    assert.ok(
      (first.lagSeconds ?? 0) >= 110,
      `the oldest unconsumed record is two minutes old: ${first.lagSeconds}`,
    );
    assert.equal(first.lastCommitAt, null, 'no commit seen to move yet');

    await groups.alter(
      group,
      topic,
      new Map([
        [0, 10n],
        [1, 10n],
      ]),
    );
    await samples.run();
    const caughtUp = await lagOf(app, headers, group);
    assert.equal(caughtUp.totalLag, 0);
    assert.equal(caughtUp.lagSeconds, null, 'nothing lags: no age');
    assert.ok(caughtUp.lastCommitAt !== null, 'the commit moved between two samples');
    assert.ok((caughtUp.lastCommitAgeSeconds ?? 99) < 30);

    await groups.alter(group, topic, new Map([[0, 0n]]));
    await samples.run();
    const topics = (await app.inject({ url: '/api/v1/ops/kafka/topics', headers })).json().topics;
    const lag = topics.find((s: { name: string }) => s.name === topic).lag;
    assert.deepEqual([lag.groups, lag.maxOffsets, lag.worstGroup], [1, '10', group]);
    assert.ok(lag.maxSeconds >= 110);
  });

  it('resets an idle group’s offsets: a dry run, then with a reason, audited; refused while it has members', async (t) => {
    const { app, topic, headers, groups, db, subject } = await kafkaBed(t, 'ops_console_reset');
    const group = uniqueGroup('ops-console-reset');
    await groups.alter(
      group,
      topic,
      new Map([
        [0, 6n],
        [1, 6n],
      ]),
    );
    const reset = (body: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/ops/consumer-groups/${group}/offsets/reset`,
        headers,
        payload: { topic, ...body },
      });

    const dry = await reset({ to: 'earliest', dryRun: true });
    assert.equal(dry.statusCode, 200, dry.body);
    assert.deepEqual(dry.json().totals, { replayed: '12', skipped: '0' });
    const byTime = await reset({
      to: 'timestamp',
      timestamp: new Date(base + 15_500).toISOString(),
      dryRun: true,
    });
    assert.deepEqual(
      byTime.json().partitions.map((p: Partition) => [p.partition, p.current, p.next, p.skipped]),
      [
        [0, '6', '8', '2'],
        [1, '6', '8', '2'],
      ],
    );
    assert.equal((await groups.committed(group, topic)).get(0), 6n, 'a dry run changes nothing');

    const noReason = await reset({ to: 'latest' });
    assert.equal(noReason.statusCode, 400);
    assert.equal(noReason.json().errors[0].field, 'reason');
    const outOfRange = await reset({
      to: 'offsets',
      offsets: [{ partition: 1, offset: '99' }],
      dryRun: true,
    });
    assert.equal(outOfRange.statusCode, 400);
    assert.equal(outOfRange.json().errors[0].field, 'offsets[0].offset');

    const done = await reset({
      to: 'offsets',
      offsets: [{ partition: 1, offset: '2' }],
      reason: 'replay after a fix',
    });
    assert.equal(done.statusCode, 200, done.body);
    assert.deepEqual(done.json().totals, { replayed: '4', skipped: '0' });
    const committed = await groups.committed(group, topic);
    assert.deepEqual([committed.get(0), committed.get(1)], [6n, 2n]);
    const audit = await db.pool.query(
      `SELECT actor, action, target_id, reason, before, after FROM audit_log WHERE target_type = 'consumer-group'`,
    );
    assert.equal(audit.rows.length, 1);
    assert.deepEqual(
      [audit.rows[0].actor, audit.rows[0].action, audit.rows[0].target_id, audit.rows[0].reason],
      [subject, 'consumer-group.reset-offsets', group, 'replay after a fix'],
    );
    assert.deepEqual([audit.rows[0].before.offsets, audit.rows[0].after.offsets], [{ 1: '6' }, { 1: '2' }]);
    const record = await db.pool.query('SELECT id::text, group_id, topic FROM offset_resets');
    assert.deepEqual(record.rows, [{ id: done.json().resetId, group_id: group, topic }]);

    const member = await joined(t, group, topic);
    const refused = await reset({ to: 'earliest', reason: 'while it runs' });
    assert.equal(refused.statusCode, 409, refused.body);
    assert.match(refused.json().detail, /active member/);
    await member.close(true);
  });
});

async function lagOf(app: Awaited<ReturnType<typeof kafkaBed>>['app'], headers: object, group: string) {
  const answer = (await app.inject({ url: '/api/v1/ops/consumer-groups', headers: headers as never })).json();
  const found = answer.groups.find((g: { group: string }) => g.group === group);
  assert.ok(found, `group ${group} sampled`);
  return found as {
    totalLag: number;
    lagSeconds: number | null;
    lastCommitAt: string | null;
    lastCommitAgeSeconds: number | null;
    partitions: { partition: number; lag: string; oldestUnconsumedAt: string | null }[];
  };
}

/** A consumer that has joined `group` (a member), until closed. */
async function joined(t: { after: (fn: () => Promise<void>) => void }, group: string, topic: string) {
  const consumer = new Consumer({
    clientId: 'ops-console-member',
    groupId: group,
    bootstrapBrokers: [testKafkaBootstrapServers()],
  });
  t.after(() => consumer.close(true).catch(() => {}));
  const stream = await consumer.consume({ topics: [topic], autocommit: false });
  stream.on('data', () => {});
  for (let i = 0; i < 100 && consumer.assignments === null; i++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return consumer;
}
