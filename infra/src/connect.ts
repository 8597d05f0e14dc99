// Kafka Connect distributed worker with the Debezium PostgreSQL plugin, and the connectors of
// infra/connectors/*.json registered through its REST API (PUT …/config is idempotent).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jvmArgs } from './jvm.ts';
import { connectorsDir, infraConfigDir, pluginDir, type StackDirs } from './paths.ts';
import { logFileOf, type RunningPart, startPart, waitUntil } from './proc.ts';
import { renderFile, renderTemplate } from './render.ts';
import { stackSecrets } from './secrets.ts';
import { bootstrapServers, connectUrl, replication, type StackSettings } from './settings.ts';

const debeziumConnectorClass = 'io.debezium.connector.postgresql.PostgresConnector';

/** The one environment variable the worker's config provider may read (its allowlist). */
export const cdcPasswordVariable = 'MICROSHOP_CDC_PASSWORD';

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${url} → ${response.status}`);
  return response.json();
}

async function pluginLoaded(settings: StackSettings): Promise<boolean> {
  const plugins = (await getJson(`${connectUrl(settings)}/connector-plugins`)) as { class: string }[];
  return plugins.some((plugin) => plugin.class === debeziumConnectorClass);
}

export async function startConnect(settings: StackSettings, dirs: StackDirs): Promise<RunningPart> {
  const config = renderFile(
    join(infraConfigDir, 'connect-worker.properties'),
    join(dirs.config, 'connect-worker.properties'),
    {
      BOOTSTRAP_SERVERS: bootstrapServers(settings),
      CONNECT_PORT: settings.connect.port,
      PLUGIN_PATH: pluginDir,
      REPLICATION_FACTOR: replication(settings).factor,
      CDC_PASSWORD_VARIABLE: cdcPasswordVariable,
    },
  );
  const logFile = logFileOf(dirs.logs, 'connect');
  const args = jvmArgs({
    heapMb: settings.connect.heapMb,
    logFile,
    mainClass: 'org.apache.kafka.connect.cli.ConnectDistributed',
    args: [config],
  });
  // The CDC password reaches the worker in its environment only; the connector config names it as
  // ${env:…} (the worker's EnvVarConfigProvider resolves it), so the REST API never shows it.
  const env = { ...process.env, [cdcPasswordVariable]: stackSecrets(settings).cdc };
  const part = startPart({ name: 'connect', command: 'java', args, env }, dirs);
  await waitUntil(
    part,
    `Kafka Connect REST at ${connectUrl(settings)} with the Debezium plugin`,
    () => pluginLoaded(settings),
    120_000,
  );
  return part;
}

export interface ConnectorFile {
  name: string;
  config: Record<string, string>;
}

/** The connector configs in the repo, with ${…} filled from the stack settings. */
export function connectorConfigs(settings: StackSettings): ConnectorFile[] {
  const values = {
    PG_PORT: settings.pg.port,
    PG_DATABASE: settings.pg.database,
    PG_CDC_USER: settings.pg.cdcUser,
  };
  return readdirSync(connectorsDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map(
      (file) =>
        JSON.parse(renderTemplate(readFileSync(join(connectorsDir, file), 'utf8'), values)) as ConnectorFile,
    );
}

interface ConnectorStatus {
  connector: { state: string; trace?: string };
  tasks: { id: number; state: string; trace?: string }[];
}

export async function connectorStatus(
  settings: StackSettings,
  name: string,
): Promise<ConnectorStatus | undefined> {
  try {
    return (await getJson(`${connectUrl(settings)}/connectors/${name}/status`)) as ConnectorStatus;
  } catch {
    return undefined;
  }
}

export async function putConfig(settings: StackSettings, connector: ConnectorFile): Promise<void> {
  const response = await fetch(`${connectUrl(settings)}/connectors/${connector.name}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(connector.config),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok)
    throw new Error(`registering connector ${connector.name}: ${response.status} ${await response.text()}`);
}

/** Registers every connector and waits until it and all its tasks are RUNNING; a FAILED task fails with its trace. */
export async function registerConnectors(
  settings: StackSettings,
  part: RunningPart,
  timeoutMs = 60_000,
): Promise<string[]> {
  const connectors = connectorConfigs(settings);
  for (const connector of connectors) {
    await putConfig(settings, connector);
    const what = `connector ${connector.name} RUNNING`;
    await waitUntil(part, what, () => connectorRunning(settings, connector.name), timeoutMs);
  }
  return connectors.map((connector) => connector.name);
}

async function connectorRunning(settings: StackSettings, name: string): Promise<boolean> {
  const status = await connectorStatus(settings, name);
  if (!status) return false;
  const failed = [status.connector, ...status.tasks].find((unit) => unit.state === 'FAILED');
  if (failed) {
    // A failed task does not recover by itself: restart it once; persistent failure surfaces below.
    await fetch(`${connectUrl(settings)}/connectors/${name}/restart?includeTasks=true&onlyFailed=true`, {
      method: 'POST',
    });
    await sleep(500);
    throw new Error(`connector ${name} FAILED: ${(failed.trace ?? '').split('\n')[0]}`);
  }
  const { connector, tasks } = status;
  return connector.state === 'RUNNING' && tasks.length > 0 && tasks.every((task) => task.state === 'RUNNING');
}
