import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventFlow } from '../src/domain/event-flow.ts';

const now = new Date('2026-03-01T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const options = { thresholdMs: 30_000, startedAt: ago(600_000) };

describe('event flow', () => {
  test('flows while the newest heartbeat that came back is younger than the threshold', () => {
    const flow = eventFlow(
      { lastReturnedSentAt: ago(2_000), lastRoundTripMs: 40, oldestPendingSentAt: ago(500) },
      now,
      options,
    );
    assert.deepEqual(flow, {
      ok: true,
      problem: null,
      lastRoundTripMs: 40,
      lastReturnedAgeMs: 2_000,
      outboxLagMs: 500,
    });
  });

  test('stops when none came back within the threshold; the outbox lag is the oldest still out', () => {
    const flow = eventFlow(
      { lastReturnedSentAt: ago(45_000), lastRoundTripMs: 40, oldestPendingSentAt: ago(44_000) },
      now,
      options,
    );
    assert.equal(flow.ok, false);
    assert.match(flow.problem ?? '', /no heartbeat has come back .* for 45 s/);
    assert.equal(flow.outboxLagMs, 44_000);
  });

  test('before the first round trip: fine for one threshold after start, then not', () => {
    const none = { lastReturnedSentAt: null, lastRoundTripMs: null, oldestPendingSentAt: ago(1_000) };
    assert.equal(eventFlow(none, now, { ...options, startedAt: ago(10_000) }).ok, true);
    const late = eventFlow(none, now, options);
    assert.equal(late.ok, false);
    assert.match(late.problem ?? '', /since start/);
  });
});
