import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decideRestarts,
  isRunning,
  type ObservedConnector,
  type Remembered,
  remedyFor,
} from '../src/domain/watchdog.ts';

const policy = { initialBackoffMs: 10_000, maxBackoffMs: 60_000, healthyAfterMs: 120_000 };

function connector(taskState: string, connectorState = 'RUNNING'): ObservedConnector {
  return {
    name: 'microshop-outbox',
    units: [
      { unit: 'connector', state: connectorState },
      {
        unit: 'task 0',
        state: taskState,
        trace: taskState === 'FAILED' ? 'java.lang.Exception: boom' : undefined,
      },
    ],
  };
}

describe('the connector watchdog', () => {
  test('restarts a failed task at once, then only after a wait that doubles, up to the cap', () => {
    const failed = [connector('FAILED')];
    let memory: ReadonlyMap<string, Remembered> = new Map();
    const restartsAt: number[] = [];
    for (let now = 0; now <= 200_000; now += 1_000) {
      const decision = decideRestarts(failed, memory, now, policy);
      memory = decision.memory;
      if (decision.restarts.length > 0) restartsAt.push(now);
    }
    // at once, +10 s, +20 s, +40 s, +60 s (capped), +60 s
    assert.deepEqual(restartsAt, [0, 10_000, 30_000, 70_000, 130_000, 190_000]);
  });

  test('names the failed units and the attempt', () => {
    const decision = decideRestarts([connector('FAILED')], new Map(), 0, policy);
    assert.deepEqual(decision.restarts, [
      {
        connector: 'microshop-outbox',
        failed: [{ unit: 'task 0', state: 'FAILED', trace: 'java.lang.Exception: boom' }],
        attempt: 1,
      },
    ]);
  });

  test('a connector that failed again soon after a restart keeps its backoff; one that held gets a fresh start', () => {
    const memory = new Map([['microshop-outbox', { restarts: 3, lastRestartAt: 0 }]]);
    const soon = decideRestarts([connector('RUNNING')], memory, 5_000, policy);
    assert.deepEqual(soon.memory.get('microshop-outbox'), { restarts: 3, lastRestartAt: 0 });
    const held = decideRestarts([connector('RUNNING')], memory, 120_000, policy);
    assert.equal(held.memory.has('microshop-outbox'), false);
  });

  test('a paused connector is left alone; running means the connector and every task', () => {
    assert.deepEqual(decideRestarts([connector('PAUSED', 'PAUSED')], new Map(), 0, policy).restarts, []);
    assert.equal(isRunning(connector('RUNNING')), true);
    assert.equal(isRunning(connector('FAILED')), false);
    assert.equal(
      isRunning({ name: 'x', units: [{ unit: 'connector', state: 'RUNNING' }] }),
      false,
      'no task',
    );
  });

  test('names the remedy of a failure no restart fixes: the lost replication slot', () => {
    const trace =
      'io.debezium.DebeziumException: The connector is trying to read change stream starting at …, but this is no longer available on the server.';
    assert.match(remedyFor(trace) ?? '', /npm run cdc -- recover/);
    assert.equal(remedyFor('java.lang.Exception: boom'), undefined);
  });
});
