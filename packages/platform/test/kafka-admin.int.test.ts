import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { consumerLag, deleteConsumerGroups, deleteTopics, ensureTopics } from '../src/kafka/admin.ts';
import {
  createConsumerTestBed,
  createTestTopics,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
  waitUntil,
} from '../src/testing/kafka.ts';
import { testLogger } from '../src/testing/service.ts';

const bootstrapServers = testKafkaBootstrapServers();
const logger = testLogger('admin-test');
const admin = new Admin({ clientId: 'admin-test', bootstrapBrokers: [bootstrapServers] });
after(() => admin.close());

async function describeTopic(name: string): Promise<{ partitions: number; cleanupPolicy: string | null }> {
  const metadata = await admin.metadata({ topics: [name], forceUpdate: true });
  const [config] = await admin.describeConfigs({
    resources: [
      { resourceType: ConfigResourceTypes.TOPIC, resourceName: name, configurationKeys: ['cleanup.policy'] },
    ],
  });
  return {
    partitions: metadata.topics.get(name)?.partitionsCount ?? 0,
    cleanupPolicy: config?.configs.find((c) => c.name === 'cleanup.policy')?.value ?? null,
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
    assert.deepEqual(result, { created: [plain, compacted], existing: [] });
    assert.deepEqual(await describeTopic(plain), { partitions: 3, cleanupPolicy: 'delete' });
    assert.deepEqual(await describeTopic(compacted), { partitions: 2, cleanupPolicy: 'compact' });
  });

  it('is idempotent and leaves an existing topic exactly as it is', async (t) => {
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
    assert.deepEqual(first, { created: [fresh], existing: [existing] });
    assert.deepEqual(second, { created: [], existing: [existing, fresh] });
    assert.deepEqual(await describeTopic(existing), { partitions: 1, cleanupPolicy: 'delete' });
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

    await deleteConsumerGroups({ bootstrapServers, groups: [f.groupId, uniqueGroup('admin-never-used')] });
    assert.equal((await lag())[0]?.committed, null, 'deleting the group deletes its offsets');
  });
});
