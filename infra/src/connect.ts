// Kafka Connect distributed worker with the Debezium PostgreSQL plugin, and the connectors of
// infra/connectors/*.json registered through its REST API (PUT …/config is idempotent).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jvmArgs } from './jvm.ts';
import { connectorsDir, infraConfigDir, pluginDir, type StackDirs } from './paths.ts';
import { logFileOf, type RunningPart, startPart, waitUntil } from './proc.ts';
import { renderFile, renderTemplate } from './render.ts';
import { bootstrapServers, connectUrl, replication, type StackSettings } from './settings.ts';

const debeziumConnectorClass = 'io.debezium.connector.postgresql.PostgresConnector';

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${url} → ${res.status}`);
  return res.json();
}

async function pluginLoaded(s: StackSettings): Promise<boolean> {
  const plugins = (await getJson(`${connectUrl(s)}/connector-plugins`)) as { class: string }[];
  return plugins.some((p) => p.class === debeziumConnectorClass);
}

export async function startConnect(s: StackSettings, dirs: StackDirs): Promise<RunningPart> {
  const config = renderFile(
    join(infraConfigDir, 'connect-worker.properties'),
    join(dirs.config, 'connect-worker.properties'),
    {
      BOOTSTRAP_SERVERS: bootstrapServers(s),
      CONNECT_PORT: s.connect.port,
      PLUGIN_PATH: pluginDir,
      REPLICATION_FACTOR: replication(s).factor,
    },
  );
  const logFile = logFileOf(dirs.logs, 'connect');
  const args = jvmArgs({
    heapMb: s.connect.heapMb,
    logFile,
    mainClass: 'org.apache.kafka.connect.cli.ConnectDistributed',
    args: [config],
  });
  const part = startPart({ name: 'connect', command: 'java', args }, dirs);
  await waitUntil(
    part,
    `Kafka Connect REST at ${connectUrl(s)} with the Debezium plugin`,
    () => pluginLoaded(s),
    120_000,
  );
  return part;
}

export interface ConnectorFile {
  name: string;
  config: Record<string, string>;
}

/** The connector configs in the repo, with ${…} filled from the stack settings. */
export function connectorConfigs(s: StackSettings): ConnectorFile[] {
  const values = {
    PG_PORT: s.pg.port,
    PG_DATABASE: s.pg.database,
    PG_CDC_USER: s.pg.cdcUser,
    PG_CDC_PASSWORD: s.pg.cdcPassword,
  };
  return readdirSync(connectorsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map(
      (f) =>
        JSON.parse(renderTemplate(readFileSync(join(connectorsDir, f), 'utf8'), values)) as ConnectorFile,
    );
}

interface ConnectorStatus {
  connector: { state: string; trace?: string };
  tasks: { id: number; state: string; trace?: string }[];
}

export async function connectorStatus(s: StackSettings, name: string): Promise<ConnectorStatus | undefined> {
  try {
    return (await getJson(`${connectUrl(s)}/connectors/${name}/status`)) as ConnectorStatus;
  } catch {
    return undefined;
  }
}

async function putConfig(s: StackSettings, c: ConnectorFile): Promise<void> {
  const res = await fetch(`${connectUrl(s)}/connectors/${c.name}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(c.config),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`registering connector ${c.name}: ${res.status} ${await res.text()}`);
}

/** Registers every connector and waits until it and all its tasks are RUNNING; a FAILED task fails with its trace. */
export async function registerConnectors(
  s: StackSettings,
  part: RunningPart,
  timeoutMs = 60_000,
): Promise<string[]> {
  const configs = connectorConfigs(s);
  for (const c of configs) {
    await putConfig(s, c);
    await waitUntil(part, `connector ${c.name} RUNNING`, () => connectorRunning(s, c.name), timeoutMs);
  }
  return configs.map((c) => c.name);
}

async function connectorRunning(s: StackSettings, name: string): Promise<boolean> {
  const st = await connectorStatus(s, name);
  if (!st) return false;
  const failed = [st.connector, ...st.tasks].find((x) => x.state === 'FAILED');
  if (failed) {
    // A failed task does not recover by itself: restart it once; persistent failure surfaces below.
    await fetch(`${connectUrl(s)}/connectors/${name}/restart?includeTasks=true&onlyFailed=true`, {
      method: 'POST',
    });
    await sleep(500);
    throw new Error(`connector ${name} FAILED: ${(failed.trace ?? '').split('\n')[0]}`);
  }
  return (
    st.connector.state === 'RUNNING' && st.tasks.length > 0 && st.tasks.every((t) => t.state === 'RUNNING')
  );
}
