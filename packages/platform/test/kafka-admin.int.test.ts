import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import {
  consumerLag,
  deleteConsumerGroups,
  deleteTopics,
  ensureTopics,
  listConsumerGroups,
} from '../src/kafka/admin.ts';
import {
  createConsumerTestBed,
  createTestTopics,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
  waitUntil,
} from '../src/testing/kafka.ts';
import { eventually, testLogger } from '../src/testing/service.ts';

const bootstrapServers = testKafkaBootstrapServers();
const logger = testLogger('admin-test');
const admin = new Admin({ clientId: 'admin-test', bootstrapBrokers: [bootstrapServers] });
after(() => admin.close());

async function topicConfig(name: string, key: string): Promise<string | null> {
  const [config] = await admin.describeConfigs({
    resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: name, configurationKeys: [key] }],
  });
  return config?.configs.find((c) => c.name === key)?.value ?? null;
}

async function describeTopic(name: string): Promise<{ partitions: number; cleanupPolicy: string | null }> {
  const metadata = await admin.metadata({ topics: [name], forceUpdate: true });
  return {
    partitions: metadata.topics.get(name)?.partitionsCount ?? 0,
    cleanupPolicy: await topicConfig(name, 'cleanup.policy'),
  };
}

describe('ensureTopics', { timeout: 60_000 }, () => {
  it('creates missing topics with the requested partitions and compaction', async (t) => {
    const plain = uniqueTopic('admin-plain');
    const compacted = uniqueTopic('admin-compacted');
    t.after(() => deleteTopics({ bootstrapServers, topics: [plain, compacted] }));
    const result = await ensureTopics({
      bootstrapServers,
      topics: [
        { name: plain, partitions: 3, replicationFactor: 1 },
        { name: compacted, partitions: 2, replicationFactor: 1, compacted: true },
      ],
    });
    assert.deepEqual(result, { created: [plain, compacted], existing: [], altered: [] });
    assert.deepEqual(await describeTopic(plain), { partitions: 3, cleanupPolicy: 'delete' });
    assert.deepEqual(await describeTopic(compacted), { partitions: 2, cleanupPolicy: 'compact' });
  });

  it('is idempotent and leaves an existing topic exactly as it is when no retention is asked for', async (t) => {
    const [existing] = await createTestTopics(
      t,
      [{ name: uniqueTopic('admin-existing'), partitions: 1 }],
      bootstrapServers,
    );
    assert.ok(existing);
    const fresh = uniqueTopic('admin-fresh');
    t.after(() => deleteTopics({ bootstrapServers, topics: [fresh] }));
    const spec = [
      { name: existing, partitions: 4, replicationFactor: 1, compacted: true },
      { name: fresh, partitions: 1, replicationFactor: 1 },
    ];
    const first = await ensureTopics({ bootstrapServers, topics: spec });
    const second = await ensureTopics({ bootstrapServers, topics: spec });
    assert.deepEqual(first, { created: [fresh], existing: [existing], altered: [] });
    assert.deepEqual(second, { created: [], existing: [existing, fresh], altered: [] });
    assert.deepEqual(await describeTopic(existing), { partitions: 1, cleanupPolicy: 'delete' });
  });

  it('creates a topic with its retention and sets the retention of an existing one that differs', async (t) => {
    const [existing] = await createTestTopics(t, [uniqueTopic('admin-retained')], bootstrapServers);
    assert.ok(existing);
    const fresh = uniqueTopic('admin-retained-fresh');
    t.after(() => deleteTopics({ bootstrapServers, topics: [fresh] }));
    const thirtyDays = 30 * 24 * 3_600_000;
    const spec = [existing, fresh].map((name) => ({
      name,
      partitions: 1,
      replicationFactor: 1,
      retentionMs: thirtyDays,
    }));

    const first = await ensureTopics({ bootstrapServers, topics: spec });
    // The controller has the new retention when the alter returns; the broker that describes the topic
    // applies it from the metadata log a moment later (under load, after the next call's look).
    await eventually('the new retention described', async () => {
      return (await topicConfig(existing, 'retention.ms')) === String(thirtyDays);
    });
    const second = await ensureTopics({ bootstrapServers, topics: spec });

    assert.deepEqual(first, { created: [fresh], existing: [existing], altered: [existing] });
    assert.deepEqual(
      second,
      { created: [], existing: [existing, fresh], altered: [] },
      'nothing left to alter',
    );
    for (const name of [existing, fresh])
      assert.equal(await topicConfig(name, 'retention.ms'), String(thirtyDays));
  });
});

describe('deleteTopics', () => {
  it('deletes existing topics and ignores unknown ones', async () => {
    const name = uniqueTopic('admin-delete');
    await ensureTopics({ bootstrapServers, topics: [{ name, partitions: 1, replicationFactor: 1 }] });
    await deleteTopics({ bootstrapServers, topics: [name, uniqueTopic('admin-never-created')] });
    assert.equal((await admin.listTopics()).includes(name), false);
  });
});

describe('consumerLag and deleteConsumerGroups', { timeout: 60_000 }, () => {
  it("reports, per partition, the group's committed offset, the log end and the messages left", async (t) => {
    const f = await createConsumerTestBed(t, { prefix: 'admin-lag', logger, partitions: 2 });
    const lag = () => consumerLag({ bootstrapServers, groupId: f.groupId, topics: [f.topic] });
    await f.producer.send([0, 1, 2].map((i) => ({ topic: f.topic, partition: 0, key: 'k', value: { i } })));
    assert.deepEqual(await lag(), [
      { topic: f.topic, partition: 0, committed: null, end: 3n, lag: 3n },
      { topic: f.topic, partition: 1, committed: null, end: 0n, lag: 0n },
    ]);

    let handled = 0;
    const consumer = await f.consume(async () => {
      handled++;
    });
    await waitUntil('3 messages handled', () => handled === 3);
    await consumer.stop();
    await f.producer.send([{ topic: f.topic, partition: 0, key: 'k', value: { i: 3 } }]);
    assert.deepEqual(await lag(), [
      { topic: f.topic, partition: 0, committed: 3n, end: 4n, lag: 1n },
      { topic: f.topic, partition: 1, committed: null, end: 0n, lag: 0n },
    ]);

    assert.deepEqual(
      await consumerLag({ bootstrapServers, groupId: f.groupId }),
      [
        { topic: f.topic, partition: 0, committed: 3n, end: 4n, lag: 1n },
        { topic: f.topic, partition: 1, committed: null, end: 0n, lag: 0n },
      ],
      'without topics: those the group committed on',
    );
    const listed = (await listConsumerGroups({ bootstrapServers })).find((g) => g.group === f.groupId);
    assert.deepEqual(
      listed,
      { group: f.groupId, state: 'Empty' },
      'the group is listed, with no member left',
    );

    await deleteConsumerGroups({ bootstrapServers, groups: [f.groupId, uniqueGroup('admin-never-used')] });
    assert.equal((await lag())[0]?.committed, null, 'deleting the group deletes its offsets');
  });
});
