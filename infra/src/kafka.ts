// Apache Kafka in KRaft mode from the Maven Central jars: one or more combined broker+controller
// nodes. Storage is formatted on first start only; a second start reuses it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debeziumHeartbeatTopic, topicCatalog } from '@microshop/contracts';
import { ensureTopics } from '@microshop/platform';
import { Admin } from '@platformatic/kafka';
import { jvmArgs } from './jvm.ts';
import { infraConfigDir, kafkaLibDir, type StackDirs } from './paths.ts';
import { logFileOf, type RunningPart, startPart, waitUntil } from './proc.ts';
import { renderFile } from './render.ts';
import { bootstrapServers, kafkaNodePorts, replication, type StackSettings } from './settings.ts';

function nodeName(s: StackSettings, i: number): string {
  return s.kafka.nodes === 1 ? 'kafka' : `kafka-${i + 1}`;
}

function quorumVoters(s: StackSettings): string {
  return Array.from(
    { length: s.kafka.nodes },
    (_, i) => `${i + 1}@127.0.0.1:${kafkaNodePorts(s, i).controller}`,
  ).join(',');
}

/** One cluster id for all nodes of this stack, kept beside their data. */
function clusterId(dirs: StackDirs): string {
  const file = join(dirs.data, 'kafka-cluster-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = execFileSync('java', ['-cp', join(kafkaLibDir, '*'), 'kafka.tools.StorageTool', 'random-uuid'], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .at(-1);
  if (!id) throw new Error('kafka StorageTool random-uuid printed nothing');
  writeFileSync(file, id);
  return id;
}

function renderNodeConfig(s: StackSettings, dirs: StackDirs, i: number): { config: string; dataDir: string } {
  const ports = kafkaNodePorts(s, i);
  const dataDir = join(dirs.data, nodeName(s, i));
  const rep = replication(s);
  const config = renderFile(
    join(infraConfigDir, 'kafka-server.properties'),
    join(dirs.config, `${nodeName(s, i)}.properties`),
    {
      NODE_ID: i + 1,
      QUORUM_VOTERS: quorumVoters(s),
      KAFKA_PORT: ports.broker,
      CONTROLLER_PORT: ports.controller,
      DATA_DIR: dataDir,
      DEFAULT_PARTITIONS: s.kafka.partitions,
      REPLICATION_FACTOR: rep.factor,
      MIN_ISR: rep.minIsr,
    },
  );
  return { config, dataDir };
}

function formatStorage(dirs: StackDirs, name: string, config: string, dataDir: string, id: string): void {
  if (existsSync(join(dataDir, 'meta.properties'))) return;
  const logFile = logFileOf(dirs.logs, `${name}-format`);
  execFileSync(
    'java',
    jvmArgs({
      heapMb: 256,
      logFile,
      mainClass: 'kafka.tools.StorageTool',
      args: ['format', '-t', id, '-c', config, '-g'],
    }),
    { stdio: 'ignore' },
  );
}

async function clusterReady(s: StackSettings): Promise<boolean> {
  const admin = new Admin({
    clientId: 'microshop-stack',
    bootstrapBrokers: bootstrapServers(s).split(','),
    retries: 0,
  });
  try {
    const meta = await admin.metadata({ topics: [] });
    return meta.brokers.size >= s.kafka.nodes;
  } finally {
    await admin.close().catch(() => {});
  }
}

export async function startKafka(s: StackSettings, dirs: StackDirs): Promise<RunningPart[]> {
  const id = clusterId(dirs);
  const parts: RunningPart[] = [];
  for (let i = 0; i < s.kafka.nodes; i++) {
    const name = nodeName(s, i);
    const { config, dataDir } = renderNodeConfig(s, dirs, i);
    formatStorage(dirs, name, config, dataDir, id);
    const logFile = logFileOf(dirs.logs, name);
    const args = jvmArgs({ heapMb: s.kafka.heapMb, logFile, mainClass: 'kafka.Kafka', args: [config] });
    parts.push(startPart({ name, command: 'java', args }, dirs));
  }
  const first = parts[0];
  if (!first) throw new Error('KAFKA_NODES must be at least 1');
  await waitUntil(
    first,
    `${s.kafka.nodes} Kafka broker(s) answering at ${bootstrapServers(s)}`,
    () => clusterReady(s),
    90_000,
  );
  return parts;
}

/** Creates the topic catalog of packages/contracts plus Debezium's heartbeat topic; existing ones are kept. */
export async function createTopics(s: StackSettings): Promise<void> {
  const rep = replication(s);
  await ensureTopics({
    bootstrapServers: bootstrapServers(s),
    topics: [
      ...topicCatalog.map((t) => ({
        name: t.name,
        partitions: s.kafka.partitions,
        replicationFactor: rep.factor,
        compacted: t.compacted ?? false,
      })),
      { name: debeziumHeartbeatTopic, partitions: 1, replicationFactor: rep.factor, compacted: false },
    ],
  });
}
