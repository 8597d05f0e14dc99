// Recovery after the replication slot is lost (dropped, or invalidated past max_slot_wal_keep_size):
// events committed while no slot held the WAL for Debezium were never published, but their rows are
// still in the outbox tables, which keep them for OUTBOX_RETENTION_HOURS (3 days). The recovery has
// Debezium snapshot those rows and stream from a new slot, with no gap between the two:
//   1. read the connector's last offset: the commit time of the last transaction it surely published;
//   2. stop the connector; drop the slot if it is still there (an invalidated slot cannot be read);
//   3. reset the connector's offsets, so it starts as a new connector would;
//   4. reconfigure it for one snapshot: `snapshot.mode=initial`, only the outbox tables of the
//      publication, only their rows written since the last offset minus a margin (or since a time
//      given, or all kept rows); resume it: Debezium creates the slot, snapshots the rows in the
//      slot's exported snapshot, and streams from the slot's start, so every row is in one or the other;
//   5. once it streams (its offset is no longer a snapshot's), put the repository's config back.
// Rows published before are published again: consumers skip them by event id (their inbox).

import { outboxPublication } from '@microshop/platform';
import pg from 'pg';
import { type ConnectorFile, connectorConfigs, connectorStatus, putConfig } from './connect.ts';
import { superuserUrl } from './postgres.ts';
import { connectUrl, type StackSettings } from './settings.ts';

export const outboxConnector = 'microshop-outbox';

export interface RecoveryOptions {
  /** Re-stream rows written since then; default: the last published commit minus `marginMs`. */
  since?: Date | 'all';
  /** Covers transactions that began before the last published commit and committed after it. */
  marginMs?: number;
  log?: (line: string) => void;
  timeoutMs?: number;
}

export interface RecoveryReport {
  /** Rows written since then were streamed again; null: every row the outbox tables keep. */
  since: Date | null;
  slotDropped: boolean;
  tables: string[];
}

export async function recoverLostSlot(
  settings: StackSettings,
  options: RecoveryOptions = {},
): Promise<RecoveryReport> {
  const log = options.log ?? console.log;
  const timeoutMs = options.timeoutMs ?? 180_000;
  const connector = repositoryConnector(settings);
  const slot = connector.config['slot.name'] ?? 'microshop_outbox';
  const since =
    options.since === 'all' ? null : (options.since ?? (await lastPublishedAt(settings, options.marginMs)));
  log(
    `re-streaming outbox rows written ${since === null ? 'at any time (all kept rows)' : `since ${since.toISOString()}`}`,
  );
  await connect(settings, 'PUT', `/connectors/${outboxConnector}/stop`);
  await until('the connector STOPPED', () => connectorIn(settings, 'STOPPED'), timeoutMs);
  const slotDropped = await dropSlot(settings, slot);
  log(slotDropped ? `dropped replication slot ${slot}` : `no replication slot ${slot} to drop`);
  const tables = await publishedTables(settings);
  await connect(settings, 'DELETE', `/connectors/${outboxConnector}/offsets`);
  await putConfig(settings, snapshotConfig(connector, tables, since));
  await connect(settings, 'PUT', `/connectors/${outboxConnector}/resume`);
  log(`snapshotting ${tables.length} outbox table(s): ${tables.join(', ')}`);
  await until('the snapshot done and the connector streaming', () => streaming(settings), timeoutMs);
  await putConfig(settings, connector);
  await until(
    'the connector streaming on its own config',
    () => streamingFromSlot(settings, slot),
    timeoutMs,
  );
  log('recovered: the connector streams from a new slot, on the repository config');
  return { since, slotDropped, tables };
}

function repositoryConnector(settings: StackSettings): ConnectorFile {
  const connector = connectorConfigs(settings).find((c) => c.name === outboxConnector);
  if (!connector) throw new Error(`no ${outboxConnector} in infra/connectors`);
  return connector;
}

/** The commit time of the last transaction the connector recorded as published, minus the margin. */
async function lastPublishedAt(settings: StackSettings, marginMs = 10 * 60_000): Promise<Date | null> {
  const offsets = (await connect(settings, 'GET', `/connectors/${outboxConnector}/offsets`)) as {
    offsets?: { offset?: { ts_usec?: number } }[];
  };
  const micros = offsets.offsets?.[0]?.offset?.ts_usec;
  return typeof micros === 'number' ? new Date(micros / 1000 - marginMs) : null;
}

/** The connector's own config plus one snapshot of the publication's outbox rows since `since`. */
export function snapshotConfig(
  connector: ConnectorFile,
  tables: readonly string[],
  since: Date | null,
): ConnectorFile {
  const config: Record<string, string> = {
    ...connector.config,
    'snapshot.mode': 'initial',
    'snapshot.include.collection.list': tables.map((t) => t.replaceAll('.', '\\.')).join(','),
    'snapshot.select.statement.overrides': tables.join(','),
  };
  const where = since === null ? '' : ` WHERE created_at >= '${since.toISOString()}'::timestamptz`;
  for (const table of tables) {
    const [schema, name] = table.split('.');
    config[`snapshot.select.statement.overrides.${table}`] =
      `SELECT * FROM "${schema}"."${name}"${where} ORDER BY created_at, id`;
  }
  return { name: connector.name, config };
}

async function withSuperuser<T>(
  settings: StackSettings,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: superuserUrl(settings, settings.pg.database) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops the slot, ending a reader still attached to it first; false when there was none. */
async function dropSlot(settings: StackSettings, slot: string): Promise<boolean> {
  return withSuperuser(settings, async (client) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const found = await client.query<{ active_pid: number | null }>(
        'SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1',
        [slot],
      );
      const row = found.rows[0];
      if (row === undefined) return attempt > 0;
      if (row.active_pid !== null) await client.query('SELECT pg_terminate_backend($1)', [row.active_pid]);
      try {
        await client.query('SELECT pg_drop_replication_slot($1)', [slot]);
        return true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200)); // still active: its reader is going away
      }
    }
    throw new Error(`replication slot ${slot} stays active; is the connector really stopped?`);
  });
}

/** `schema.table` of every table in Debezium's publication (the services' outboxes). */
async function publishedTables(settings: StackSettings): Promise<string[]> {
  return withSuperuser(settings, async (client) => {
    const result = await client.query<{ name: string }>(
      `SELECT schemaname || '.' || tablename AS name FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1`,
      [outboxPublication],
    );
    return result.rows.map((row) => row.name);
  });
}

async function connectorIn(settings: StackSettings, state: string): Promise<boolean> {
  const status = await connectorStatus(settings, outboxConnector);
  if (status === undefined || status.connector.state !== state) return false;
  return (
    state !== 'RUNNING' || (status.tasks.length > 0 && status.tasks.every((task) => task.state === 'RUNNING'))
  );
}

/**
 * The connector's committed offset is a streaming one: the snapshot is done. While it runs, Debezium's
 * offset carries `snapshot` (`INITIAL`) and `snapshot_completed: false`; once it streams, neither (a
 * heartbeat commits one within `heartbeat.interval.ms`). Putting the repository's `no_data` config back
 * before then would fail the task: a snapshot left unfinished may not be resumed in that mode.
 */
async function streaming(settings: StackSettings): Promise<boolean> {
  const status = await connectorStatus(settings, outboxConnector);
  const failed = [status?.connector, ...(status?.tasks ?? [])].find((unit) => unit?.state === 'FAILED');
  if (failed) throw new Error(`connector FAILED during recovery: ${(failed.trace ?? '').split('\n')[0]}`);
  const offsets = (await connect(settings, 'GET', `/connectors/${outboxConnector}/offsets`)) as {
    offsets?: { offset?: { snapshot?: unknown; lsn?: unknown } }[];
  };
  const offset = offsets.offsets?.[0]?.offset;
  return offset?.lsn !== undefined && (offset.snapshot === undefined || offset.snapshot === false);
}

/** The connector and its tasks RUNNING, and its slot read: it streams again. */
async function streamingFromSlot(settings: StackSettings, slot: string): Promise<boolean> {
  if (!(await connectorIn(settings, 'RUNNING'))) return false;
  return withSuperuser(settings, async (client) => {
    const result = await client.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND active', [
      slot,
    ]);
    return (result.rowCount ?? 0) > 0;
  });
}

async function connect(settings: StackSettings, method: string, path: string): Promise<unknown> {
  const response = await fetch(`${connectUrl(settings)}${path}`, {
    method,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Kafka Connect ${method} ${path}: ${response.status} ${text}`);
  return text === '' ? null : (JSON.parse(text) as unknown);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
