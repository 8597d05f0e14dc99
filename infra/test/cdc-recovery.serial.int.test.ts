// The replication slot lost while services write: the events written while no slot held the WAL for
// Debezium never reach Kafka by themselves; `npm run cdc -- recover` streams them again from the
// outbox tables, which keep their rows for a retention window. Every event arrives (some twice:
// consumers skip copies by event id). Runs alone (".serial."): it stops and reconfigures the stack's
// connector, which every other test depends on.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TopicName } from '@microshop/contracts';
import {
  appendToOutbox,
  type OutboxMessage,
  outboxTableSql,
  publishOutbox,
  withTransaction,
} from '@microshop/platform';
import {
  collectMessages,
  createTestSchema,
  createTestTopics,
  uniqueTopic,
} from '@microshop/platform/testing';
import pg from 'pg';
import { outboxConnector, recoverLostSlot } from '../src/cdc-recovery.ts';
import { connectorStatus } from '../src/connect.ts';
import { superuserUrl } from '../src/postgres.ts';
import { connectUrl, loadSettings } from '../src/settings.ts';

const settings = loadSettings('test');

function message(topic: string, n: number): OutboxMessage {
  const id = randomUUID();
  return {
    id,
    topic: topic as TopicName,
    key: `customer-${n % 5}`,
    type: 'TestHappened',
    payload: { id, type: 'TestHappened', occurredAt: new Date().toISOString(), source: 'test', n },
  };
}

/** What PostgreSQL does to a slot past max_slot_wal_keep_size, done at once: its reader cut off, the slot gone. */
async function loseTheSlot(): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl(settings, settings.pg.database) });
  await client.connect();
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      const { rows } = await client.query<{ active_pid: number | null }>(
        "SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'microshop_outbox'",
      );
      if (rows[0] === undefined) return;
      if (rows[0].active_pid !== null)
        await client.query('SELECT pg_terminate_backend($1)', [rows[0].active_pid]);
      await client.query("SELECT pg_drop_replication_slot('microshop_outbox')").catch(() => sleep(50));
    }
    throw new Error('could not drop the slot');
  } finally {
    await client.end();
  }
}

describe('recovery after the replication slot is lost', () => {
  it('streams again every event written around the loss: none is missing on Kafka', async (t) => {
    const schema = await createTestSchema('cdc_recovery', t);
    await schema.pool.query(outboxTableSql(schema.name));
    await publishOutbox(schema.pool, schema.name);
    // As the stack does for each service's outbox: the CDC role may read it (the recovery snapshots it).
    const cdc = pg.escapeIdentifier(settings.pg.cdcUser);
    await schema.pool.query(`GRANT USAGE ON SCHEMA "${schema.name}" TO ${cdc}`);
    await schema.pool.query(`GRANT SELECT ON "${schema.name}".outbox TO ${cdc}`);
    const [topic] = await createTestTopics(t, [{ name: uniqueTopic('cdc-recovery'), partitions: 3 }]);
    assert.ok(topic);
    const written: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let n = 0; writing; n++) {
        const m = message(topic, n);
        await withTransaction(schema.pool, (client) => appendToOutbox(client, [m]));
        written.push(m.id);
        await sleep(20);
      }
    })();

    await sleep(1_500);
    await loseTheSlot();
    await sleep(3_000);
    writing = false;
    await writer;
    const before = await collectMessages({ topic, timeoutMs: 5_000 });
    const seenBefore = new Set(before.map((m) => m.eventId));
    const missing = written.filter((id) => !seenBefore.has(id));
    t.diagnostic(
      `${written.length} events written, ${missing.length} missing on Kafka after the slot was lost`,
    );
    assert.ok(missing.length > 0, 'the events written while no slot held the WAL were lost');

    const report = await recoverLostSlot(settings, { log: (line) => t.diagnostic(line) });

    assert.ok(report.tables.includes(`${schema.name}.outbox`));
    const wanted = new Set(written);
    const after = await collectMessages({
      topic,
      until: (ms) =>
        new Set(ms.map((m) => m.eventId).filter((id) => id !== null && wanted.has(id))).size === wanted.size,
      timeoutMs: 60_000,
    });
    const arrived = new Set(after.map((m) => m.eventId));
    assert.deepEqual(
      written.filter((id) => !arrived.has(id)),
      [],
      'every event written is on Kafka',
    );
    const status = await connectorStatus(settings, outboxConnector);
    assert.equal(status?.connector.state, 'RUNNING');
    const config = (await (
      await fetch(`${connectUrl(settings)}/connectors/${outboxConnector}/config`)
    ).json()) as Record<string, string>;
    assert.equal(config['snapshot.mode'], 'no_data', 'the repository config is back');

    const next = message(topic, 1000);
    await withTransaction(schema.pool, (client) => appendToOutbox(client, [next]));
    await collectMessages({ topic, until: (ms) => ms.some((m) => m.eventId === next.id), timeoutMs: 30_000 });
  });
});
