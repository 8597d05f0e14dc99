import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createOffsetCommitter, type OffsetToCommit } from '../src/kafka/offset-committer.ts';

const logger = pino({ level: 'silent' });
const at = (partition: number, offset: number): OffsetToCommit => ({
  topic: 't',
  partition,
  offset: BigInt(offset),
  leaderEpoch: 0,
});
const show = (offsets: OffsetToCommit[]) => offsets.map((o) => `${o.partition}@${o.offset}`).sort();

/** A commit function standing in for the broker: records each request, fails while told to. */
function recordingCommit() {
  const requests: string[][] = [];
  let failuresLeft = 0;
  let gate: Promise<void> = Promise.resolve();
  return {
    requests,
    failNext(times: number) {
      failuresLeft = times;
    },
    hold() {
      let open = () => {};
      gate = new Promise((resolve) => {
        open = resolve;
      });
      return open;
    },
    commit: async (offsets: OffsetToCommit[]) => {
      requests.push(show(offsets));
      await gate;
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error('coordinator not available');
      }
    },
  };
}

describe('offset committer', () => {
  it('merges marks made while a commit is in flight into one request with the highest offset per partition', async () => {
    const broker = recordingCommit();
    const open = broker.hold();
    const committer = createOffsetCommitter({ commit: broker.commit, logger });
    committer.mark(at(0, 1));
    committer.mark(at(0, 3));
    committer.mark(at(0, 2));
    committer.mark(at(1, 9));
    open();
    await committer.flush();
    assert.deepEqual(broker.requests, [['0@1'], ['0@3', '1@9']]);
  });

  it('retries a failed commit until it lands', async () => {
    const broker = recordingCommit();
    broker.failNext(2);
    const committer = createOffsetCommitter({ commit: broker.commit, logger, retryDelayMs: 1 });
    committer.mark(at(0, 4));
    await committer.flush();
    assert.deepEqual(broker.requests, [['0@4'], ['0@4'], ['0@4']]);
  });

  it('gives up after a few failures once closed, so shutdown cannot hang on a lost broker', async () => {
    const broker = recordingCommit();
    broker.failNext(100);
    const committer = createOffsetCommitter({
      commit: broker.commit,
      logger,
      retryDelayMs: 1,
      attemptsAfterClose: 2,
    });
    committer.mark(at(0, 4));
    committer.close();
    await committer.flush();
    assert.equal(broker.requests.length, 2);
  });

  it('ignores marks made after close: a handler finishing after the shutdown deadline commits nothing', async () => {
    const broker = recordingCommit();
    const committer = createOffsetCommitter({ commit: broker.commit, logger });
    committer.close();
    committer.mark(at(0, 1));
    await committer.flush();
    assert.deepEqual(broker.requests, []);
  });

  it('with an interval, sends the first mark at once and merges the marks made within the interval into the next request', async () => {
    const broker = recordingCommit();
    const committer = createOffsetCommitter({ commit: broker.commit, logger, intervalMs: 150 });
    const started = performance.now();
    committer.mark(at(0, 1));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(broker.requests, [['0@1']], 'the first mark is committed at once');
    committer.mark(at(0, 2));
    committer.mark(at(1, 5));
    committer.mark(at(0, 3));
    await committer.flush();
    assert.deepEqual(broker.requests, [['0@1'], ['0@3', '1@5']]);
    assert.ok(performance.now() - started >= 140, 'the second request waited for the interval');
  });

  it('with an interval, close() ends the wait: what is marked is committed at once at shutdown', async () => {
    const broker = recordingCommit();
    const committer = createOffsetCommitter({ commit: broker.commit, logger, intervalMs: 60_000 });
    committer.mark(at(0, 1));
    await new Promise((resolve) => setImmediate(resolve));
    committer.mark(at(0, 2));
    const started = performance.now();
    committer.close();
    await committer.flush();
    assert.deepEqual(broker.requests, [['0@1'], ['0@2']]);
    assert.ok(performance.now() - started < 1_000, 'no wait for the interval after close');
  });
});
