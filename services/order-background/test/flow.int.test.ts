// Deadlines count only the time events flowed: heartbeats read back through the real consumer
// handler become proofs and pauses in PostgreSQL, and the watchdog's real pass leaves paused time out.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, test } from 'node:test';
import { heartbeatEvent, topics } from '@microshop/contracts';
import { asMessageHandler } from '@microshop/platform';
import { consumedMessage } from '@microshop/platform/testing';
import type { Deadlines } from '../src/domain/deadlines.ts';
import { readHeartbeats } from '../src/handlers/heartbeats.ts';
import { watchOrders } from '../src/tasks/watchdog.ts';
import { consumed, orderEvent } from './fixtures.ts';
import { handlerContext, logger, migratedSchema, orderEventHandler } from './harness.ts';

const db = await migratedSchema('order_background_flow');
const thresholdMs = 10_000;
const deadlines: Deadlines = { CREATED: 60_000, VALIDATED: 120_000, APPROVED: 600_000, SHIPPED: 86_400_000 };
const t0 = new Date('2026-01-01T10:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

/** A heartbeat written at `sent` s and read at `seen` s, through the consumer's handler and inbox. */
async function heartbeat(sent: number, seen: number): Promise<void> {
  const handle = asMessageHandler(readHeartbeats({ thresholdMs, now: () => at(seen) }), {
    pool: db.pool,
    consumer: 'order-background-flow',
  });
  const event = heartbeatEvent('operations-1', { id: randomUUID(), at: at(sent) });
  await handle(consumedMessage(event, { topic: topics.heartbeats, key: 'operations-1' }), handlerContext());
}

/** Heartbeats every 2 s over [from, to] s, each read back 0.1 s after it was written. */
async function flowing(from: number, to: number): Promise<void> {
  for (let s = from; s <= to; s += 2) await heartbeat(s, s + 0.1);
}

async function createdAt(seconds: number): Promise<string> {
  const event = orderEvent('CREATED', { at: at(seconds) });
  await orderEventHandler(db.pool)(consumed(event), handlerContext());
  return event.orderId;
}

async function expiredAt(seconds: number, orderId: string) {
  const pass = await watchOrders({
    pool: db.pool,
    deadlines,
    flowThresholdMs: thresholdMs,
    commandsTopic: topics.orderCommands,
    logger,
    now: () => at(seconds),
  });
  return { flow: pass.flow.state, commands: pass.commands.filter((command) => command.orderId === orderId) };
}

async function storedPauses(): Promise<[string, string][]> {
  const result = await db.pool.query<{ started_at: Date; ended_at: Date }>(
    'SELECT started_at, ended_at FROM deadline_pauses ORDER BY started_at',
  );
  return result.rows.map((row) => [row.started_at.toISOString(), row.ended_at.toISOString()]);
}

beforeEach(async () => {
  await db.pool.query('TRUNCATE deadline_pauses, order_deadlines');
  await db.pool.query('UPDATE event_flow SET last_proof_at = NULL');
});

describe('deadlines and the event flow', () => {
  test('an order that entered CREATED just before a 54 s outage expires 60 s of flowing time later, not 60 s after it entered', async () => {
    await flowing(0, 4);
    const orderId = await createdAt(3);
    // Connect is down from 5 s to 58 s: the heartbeats written meanwhile all arrive at 58.5 s.
    for (let s = 6; s <= 56; s += 2) await heartbeat(s, 58.5);
    await flowing(60, 130);

    assert.deepEqual(await storedPauses(), [[at(4.1).toISOString(), at(58.5).toISOString()]]);
    // 3 s + 60 s + the 54.4 s paused = 117.4 s.
    assert.deepEqual(await expiredAt(63, orderId), { flow: 'flowing', commands: [] });
    assert.deepEqual(await expiredAt(117.399, orderId), { flow: 'flowing', commands: [] });
    const due = await expiredAt(117.4, orderId);
    assert.equal(due.commands.length, 1);
    assert.equal(due.commands[0]?.deadlineAt, at(117.4).toISOString());
  });

  test('while no heartbeat comes back, the pause goes on: nothing expires however long it lasts', async () => {
    await flowing(0, 4);
    const orderId = await createdAt(3);

    assert.deepEqual(await expiredAt(15, orderId), { flow: 'paused', commands: [] });
    assert.deepEqual(await expiredAt(3_600, orderId), { flow: 'paused', commands: [] });
    // Back at 3,600 s: the 60 s count from there, less the 1.1 s that flowed before the outage.
    await flowing(3_600, 3_700);
    assert.deepEqual(await expiredAt(3_658.8, orderId), { flow: 'flowing', commands: [] });
    assert.equal((await expiredAt(3_659.1, orderId)).commands.length, 1);
  });

  test('a deadline that passed before the outage began is acted on during it', async () => {
    await flowing(0, 100);
    const orderId = await createdAt(10);

    // Flowing until 100.1 s: the order was due at 70 s.
    const during = await expiredAt(500, orderId);
    assert.equal(during.flow, 'paused');
    assert.equal(during.commands.length, 1);
  });

  test('before the first heartbeat ever, the watchdog waits', async () => {
    const orderId = await createdAt(0);

    assert.deepEqual(await expiredAt(3_600, orderId), { flow: 'never-proven', commands: [] });
  });
});
