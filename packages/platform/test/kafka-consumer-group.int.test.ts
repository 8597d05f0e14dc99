import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { ConsumedMessage } from '../src/kafka/codec.ts';
import { type ConsumerTestBed, createConsumerTestBed, waitUntil } from '../src/testing/kafka.ts';
import { testLogger } from '../src/testing/service.ts';

// Several members of one consumer group: partitions move between them without losing a message.

const PREFIX = 'consumer-group';
const logger = testLogger('consumer-group-test');
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const n = (message: ConsumedMessage) => (message.value as { n: number }).n;

describe('event consumer: scale-out', { timeout: 90_000 }, () => {
  /** A logger that keeps the consumer's log lines, to count group (re)joins and rebalances. */
  function recordingLogger() {
    const lines: { msg?: string }[] = [];
    const recording = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const count = (msg: string) => lines.filter((l) => l.msg === msg).length;
    return { logger: recording, joins: () => count('joined consumer group'), count };
  }

  async function produceNumbered(f: ConsumerTestBed, total: number): Promise<void> {
    await f.producer.send(
      Array.from({ length: total }, (_, i) => ({ topic: f.topic, key: `key-${i % 16}`, value: { n: i } })),
    );
  }

  it('hands partitions over when a second member joins the group, without losing a message or rebalancing again and again', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger, partitions: 4 });
    const total = 400;
    await produceNumbered(f, total);
    const handledBy = { a: new Set<number>(), b: new Set<number>() };
    const handler = (member: 'a' | 'b') => async (message: ConsumedMessage) => {
      await delay(20);
      handledBy[member].add(n(message));
    };
    const log = recordingLogger();
    // A short heartbeat interval: a member learns of a rebalance at its next heartbeat.
    const options = { heartbeatIntervalMs: 300, logger: log.logger };
    const a = await f.consume(handler('a'), { ...options, clientId: 'member-a' });
    await waitUntil('member a to make progress', () => handledBy.a.size >= 20);
    const b = await f.consume(handler('b'), { ...options, clientId: 'member-b' });
    await waitUntil(
      'every message handled',
      () => new Set([...handledBy.a, ...handledBy.b]).size === total,
      60_000,
    );
    await Promise.all([a.stop(), b.stop()]);

    assert.ok(handledBy.b.size > 0, 'the second member never got a partition');
    assert.equal(await f.lag(), 0n);
    // a joins alone, then a and b join the second generation: 3 joins; a few more may happen, a storm not.
    assert.ok(log.joins() <= 6, `the group rebalanced ${log.joins()} times`);
  });

  it('takes over the partitions of a member that leaves, without losing a message', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger, partitions: 4 });
    const total = 400;
    await produceNumbered(f, total);
    const handled = new Set<number>();
    const handler = async (message: ConsumedMessage) => {
      await delay(10);
      handled.add(n(message));
    };
    const options = { heartbeatIntervalMs: 300 };
    const a = await f.consume(handler, { ...options, clientId: 'member-a' });
    const b = await f.consume(handler, { ...options, clientId: 'member-b' });
    await waitUntil('some progress', () => handled.size >= 100);
    await a.stop();
    await waitUntil('every message handled', () => handled.size === total, 60_000);
    await b.stop();
    assert.equal(await f.lag(), 0n);
  });

  it('stops promptly while a rebalance holds its rejoin, instead of hanging on the connection it closes', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger, partitions: 2 });
    const idle = async () => {};
    const log = recordingLogger();
    const a = await f.consume(idle, { heartbeatIntervalMs: 300, clientId: 'member-a', logger: log.logger });
    // A member that answers a rebalance only at its next heartbeat, seconds away: until then the broker
    // holds the rejoin of every other member.
    await f.consume(idle, { heartbeatIntervalMs: 12_000, sessionTimeoutMs: 30_000, clientId: 'member-slow' });
    // A third member starts a rebalance; a learns of it at its next heartbeat and rejoins.
    const rebalances = log.count('consumer group rebalancing');
    const third = f.consume(idle, { heartbeatIntervalMs: 300, clientId: 'member-c' });
    await waitUntil('member a to rejoin', () => log.count('consumer group rebalancing') > rebalances);
    await delay(300);

    // The broker answers a's LeaveGroup only after a's pending rejoin, i.e. once the slow member has
    // rejoined too: stop() gives the leave up before that and closes the connection under the rejoin.
    const outcome = await Promise.race([
      a.stop().then(() => 'stopped'),
      delay(8_000).then(() => 'still stopping'),
    ]);
    assert.equal(outcome, 'stopped');
    await third;
  });
});
