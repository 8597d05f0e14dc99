import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { startPeriodicTask } from '../src/periodic.ts';

const logger = pino({ level: 'silent' });

/** Polls until `fn` holds (no fixed sleeps: a loaded machine only makes it slower, not flaky). */
async function until(fn: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(2);
  }
}

function checkFails(task: { check(): boolean }): boolean {
  try {
    task.check();
    return false;
  } catch {
    return true;
  }
}

describe('startPeriodicTask', () => {
  it('runs one pass at a time, never overlapping a slow one', async () => {
    let active = 0;
    let maxActive = 0;
    let passes = 0;
    const task = startPeriodicTask({
      name: 'slow',
      intervalMs: 1,
      logger,
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(20);
        active--;
        passes++;
      },
    });
    await until(() => passes >= 3);
    await task.stop();
    assert.equal(maxActive, 1);
  });

  it('reports the last failed pass through check and recovers on the next success', async () => {
    let fail = true;
    const task = startPeriodicTask({
      name: 'flaky',
      intervalMs: 5,
      logger,
      run: async () => {
        if (fail) throw new Error('database down');
      },
    });
    await until(() => checkFails(task));
    assert.throws(() => task.check(), /database down/);
    fail = false;
    await until(() => !checkFails(task));
    assert.equal(task.check(), true);
    await task.stop();
    assert.equal(task.check(), false);
  });

  it('stop waits for the pass in progress and schedules no other', async () => {
    let finished = 0;
    let started = 0;
    const task = startPeriodicTask({
      name: 'stoppable',
      intervalMs: 1,
      logger,
      run: async () => {
        started++;
        await sleep(30);
        finished++;
      },
    });
    await until(() => started > finished);
    await task.stop();
    assert.equal(finished, started, 'the pass in progress finished before stop returned');
    const after = started;
    await sleep(30);
    assert.equal(started, after, 'no pass after stop');
  });
});
