import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestTopics, testKafkaBootstrapServers, uniqueTopic } from '@microshop/platform/testing';
import { createKafkaBrowser } from '../src/clients/kafka-browser.ts';
import { browsePage, type PageRequest } from '../src/handlers/topic-browse.ts';
import { testProducer } from './kafka-bed.ts';

// The console's message browser against the test stack's Kafka: two partitions of records with
// known times; pages merged by time, Next and Previous giving the same pages back, a seek by time,
// and a filtered scan that stops at its budget and says so.

// A minute ago: within any retention and timestamp bound the broker applies.
const base = Date.now() - 60_000;

async function givenTopic(t: Parameters<typeof createTestTopics>[0]) {
  const [topic] = await createTestTopics(t, [{ name: uniqueTopic('ops-browse'), partitions: 2 }]);
  assert.ok(topic);
  const producer = testProducer('ops-browse-test');
  // Record i is at base + i seconds, on partition i % 2: reading by time alternates partitions.
  await producer.send({
    messages: Array.from({ length: 20 }, (_, i) => ({
      topic,
      partition: i % 2,
      key: Buffer.from(`key-${i}`),
      value: Buffer.from(JSON.stringify({ type: i % 5 === 0 ? 'Special' : 'Plain', n: i })),
      headers: { source: Buffer.from(i < 10 ? 'early' : 'late') },
      timestamp: BigInt(base + i * 1000),
    })),
  });
  await producer.close();
  const kafka = createKafkaBrowser({
    bootstrapServers: [testKafkaBootstrapServers()],
    clientId: 'ops-browse-test',
  });
  t.after(() => kafka.close());
  const page = (request: Partial<PageRequest>) =>
    browsePage(kafka, {
      topic,
      seek: { kind: 'oldest' },
      limit: 5,
      filter: {},
      budget: { records: 10_000, ms: 5_000 },
      ...request,
    });
  return { topic, kafka, page };
}

const numbers = (answer: { records: { json?: unknown }[] }) =>
  answer.records.map((r) => (r.json as { n: number }).n);

describe('browsing a topic', () => {
  it('pages forward merged by time and back again to the same pages', async (t) => {
    const { page } = await givenTopic(t);
    const first = await page({ seek: { kind: 'oldest' } });
    assert.deepEqual(numbers(first), [0, 1, 2, 3, 4]);
    assert.equal(first.prev, null);
    assert.ok(first.next);
    const { parseCursor } = await import('../src/domain/topic-page.ts');
    const second = await page({ seek: { kind: 'cursor', cursor: parseCursor(first.next) ?? new Map() } });
    assert.deepEqual(numbers(second), [5, 6, 7, 8, 9]);
    assert.ok(second.prev);
    const back = await page({ seek: { kind: 'cursor', cursor: parseCursor(second.prev) ?? new Map() } });
    assert.deepEqual(numbers(back), [0, 1, 2, 3, 4]);
    assert.equal(back.cursor, first.cursor);
    const again = await page({ seek: { kind: 'cursor', cursor: parseCursor(first.next) ?? new Map() } });
    assert.deepEqual(numbers(again), numbers(second), 'the same cursor, the same page');
  });

  it('seeks by time, by newest, and by offset in one partition', async (t) => {
    const { page } = await givenTopic(t);
    assert.deepEqual(
      numbers(await page({ seek: { kind: 'time', timestamp: BigInt(base + 12_500) } })),
      [13, 14, 15, 16, 17],
    );
    assert.deepEqual(numbers(await page({ seek: { kind: 'newest' } })), [15, 16, 17, 18, 19]);
    const partition = await page({ seek: { kind: 'offset', offset: 3n }, partition: 1 });
    assert.deepEqual(numbers(partition), [7, 9, 11, 13, 15]);
  });

  it('filters on the server and stops at its budget, saying where to resume', async (t) => {
    const { page } = await givenTopic(t);
    const special = await page({ filter: { type: 'Special' } });
    assert.deepEqual(numbers(special), [0, 5, 10, 15]);
    assert.equal(special.scan.reachedEnd, true);
    assert.equal(special.scan.scanned, 20);
    const late = await page({ filter: { header: 'source=late' }, limit: 3 });
    assert.deepEqual(numbers(late), [10, 11, 12]);
    const bounded = await page({ filter: { key: 'key-19' }, budget: { records: 6, ms: 5_000 }, limit: 1 });
    assert.deepEqual(numbers(bounded), []);
    assert.deepEqual([bounded.scan.scanned, bounded.scan.budgetExhausted], [6, true]);
    const { parseCursor } = await import('../src/domain/topic-page.ts');
    const resumed = await page({
      seek: { kind: 'cursor', cursor: parseCursor(bounded.next ?? '') ?? new Map() },
      filter: { key: 'key-19' },
      limit: 1,
    });
    assert.deepEqual(numbers(resumed), [19], 'Next resumes where the budget stopped');
  });
});
