import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { flowState, foldHeartbeats, type HeartbeatSeen } from '../src/domain/flow.ts';

const t0 = new Date('2026-01-01T10:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const threshold = 10_000;

/** Heartbeats written every 2 s from `from` to `to`, each read back `delay` seconds later (or all at `seenAt`). */
function heartbeats(from: number, to: number, read: { delay: number } | { seenAt: number }): HeartbeatSeen[] {
  const seen: HeartbeatSeen[] = [];
  for (let s = from; s <= to; s += 2) {
    seen.push({ sentAt: at(s), seenAt: at('delay' in read ? s + read.delay : read.seenAt) });
  }
  return seen;
}

describe('foldHeartbeats', () => {
  test('heartbeats that come straight back are proofs, and close no pause', () => {
    const update = foldHeartbeats(null, heartbeats(0, 20, { delay: 0.1 }), threshold);
    assert.deepEqual(update, { lastProofAt: at(20.1), pauses: [] });
  });

  test('an outage: the heartbeats held back prove nothing; the pause runs from the last proof to the first prompt one', () => {
    const before = foldHeartbeats(null, heartbeats(0, 4, { delay: 0.1 }), threshold);
    // Connect is down from 5 s to 58 s: every heartbeat written meanwhile reaches Kafka at 58.5 s.
    const held = heartbeats(6, 56, { seenAt: 58.5 });
    const after = foldHeartbeats(before.lastProofAt, held, threshold);

    // The one written at 50 s came back in 8.5 s: the first proof after the outage.
    assert.deepEqual(after, { lastProofAt: at(58.5), pauses: [{ startedAt: at(4.1), endedAt: at(58.5) }] });
  });

  test('a gap in the heartbeats themselves (PostgreSQL down, nothing written) is a pause too', () => {
    const update = foldHeartbeats(at(10), [{ sentAt: at(40), seenAt: at(40.2) }], threshold);
    assert.deepEqual(update.pauses, [{ startedAt: at(10), endedAt: at(40.2) }]);
  });

  test('a gap up to the threshold is no pause; an old heartbeat read again changes nothing', () => {
    const update = foldHeartbeats(
      at(10),
      [
        { sentAt: at(19.9), seenAt: at(20) },
        { sentAt: at(5), seenAt: at(5.1) },
      ],
      threshold,
    );
    assert.deepEqual(update, { lastProofAt: at(20), pauses: [] });
  });
});

describe('flowState', () => {
  test('flowing while the last proof is at most the threshold old, paused since it after that', () => {
    assert.deepEqual(flowState(at(0), at(10), threshold), { state: 'flowing', lastProofAt: at(0) });
    assert.deepEqual(flowState(at(0), at(10.001), threshold), { state: 'paused', since: at(0) });
    assert.deepEqual(flowState(null, at(10), threshold), { state: 'never-proven' });
  });
});
