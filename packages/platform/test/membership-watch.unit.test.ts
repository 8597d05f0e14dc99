import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { watchMembership } from '../src/kafka/membership-watch.ts';

// The client library can leave a member out of its group for good (a rejoin that failed while the
// only broker was down is never tried again); the kit's watch joins again once a rebalance's time
// has passed, backing off while joins fail, and leaves an active or unwanted member alone.

const logger = pino({ level: 'silent' });

function member(active: boolean, joins: (() => Promise<void>)[] = []) {
  const state = { active, joinCalls: 0 };
  const joinGroup = async () => {
    state.joinCalls++;
    const next = joins.shift();
    if (next) await next();
    state.active = true;
  };
  return { state, joinGroup };
}

describe('the consumer group membership watch', () => {
  test('joins again a member inactive for longer than the grace, once, and then leaves it alone', async (t) => {
    const { state, joinGroup } = member(false);
    const watch = watchMembership({
      isActive: () => state.active,
      joinGroup,
      isWanted: () => true,
      logger,
      graceMs: 60,
      checkEveryMs: 10,
    });
    t.after(() => watch.stop());

    await sleep(30);
    assert.equal(state.joinCalls, 0, 'not within the grace: a rebalance may be under way');
    await sleep(150);
    assert.equal(state.joinCalls, 1);
    assert.equal(state.active, true);
  });

  test('tries again after a failed join, and never while the member is active or not wanted', async (t) => {
    const failing = async () => {
      throw new Error('broker down');
    };
    const { state, joinGroup } = member(false, [failing]);
    let wanted = false;
    const watch = watchMembership({
      isActive: () => state.active,
      joinGroup: async () => {
        try {
          await joinGroup();
        } catch (error) {
          state.active = false;
          throw error;
        }
      },
      isWanted: () => wanted,
      logger,
      graceMs: 20,
      checkEveryMs: 5,
    });
    t.after(() => watch.stop());

    await sleep(80);
    assert.equal(state.joinCalls, 0, 'a consumer not started (or stopping) is not joined');
    wanted = true;
    // The first join fails; the next comes after a backoff of 1–2 s (at least the grace).
    await sleep(100);
    assert.equal(state.joinCalls, 1);
    assert.equal(state.active, false);
    await sleep(2_500);
    assert.equal(state.joinCalls, 2);
    assert.equal(state.active, true);
    await sleep(100);
    assert.equal(state.joinCalls, 2, 'an active member is left alone');
  });
});
