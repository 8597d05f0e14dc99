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

/** `kafka` for a single node, else `kafka-1`, `kafka-2`, …: the part names of the nodes. */
export function kafkaNodeNames(settings: StackSettings): string[] {
  const { nodes } = settings.kafka;
  return Array.from({ length: nodes }, (_, node) => (nodes === 1 ? 'kafka' : `kafka-${node + 1}`));
}

function quorumVoters(settings: StackSettings): string {
  return Array.from(
    { length: settings.kafka.nodes },
    (_, node) => `${node + 1}@127.0.0.1:${kafkaNodePorts(settings, node).controller}`,
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

interface KafkaNode {
  /** 0-based. */
  index: number;
  name: string;
  config: string;
  dataDir: string;
}

function renderNodeConfig(settings: StackSettings, dirs: StackDirs, index: number, name: string): KafkaNode {
  const ports = kafkaNodePorts(settings, index);
  const dataDir = join(dirs.data, name);
  const { factor, minIsr } = replication(settings);
  const config = renderFile(
    join(infraConfigDir, 'kafka-server.properties'),
    join(dirs.config, `${name}.properties`),
    {
      NODE_ID: index + 1,
      QUORUM_VOTERS: quorumVoters(settings),
      KAFKA_PORT: ports.broker,
      CONTROLLER_PORT: ports.controller,
      DATA_DIR: dataDir,
      DEFAULT_PARTITIONS: settings.kafka.partitions,
      REPLICATION_FACTOR: factor,
      MIN_ISR: minIsr,
    },
  );
  return { index, name, config, dataDir };
}

function formatStorage(dirs: StackDirs, node: KafkaNode, cluster: string): void {
  if (existsSync(join(node.dataDir, 'meta.properties'))) return;
  const logFile = logFileOf(dirs.logs, `${node.name}-format`);
  execFileSync(
    'java',
    jvmArgs({
      heapMb: 256,
      logFile,
      mainClass: 'kafka.tools.StorageTool',
      args: ['format', '-t', cluster, '-c', node.config, '-g'],
    }),
    { stdio: 'ignore' },
  );
}

/**
 * Whether every node of the cluster is in the metadata, as `brokers` (default: any node) answer it.
 * Asked of one restarted node only, it also says that node itself answers: the others may still list
 * a node that just died until its session expires.
 */
export async function clusterReady(
  settings: StackSettings,
  brokers: string[] = bootstrapServers(settings).split(','),
): Promise<boolean> {
  const admin = new Admin({ clientId: 'microshop-stack', bootstrapBrokers: brokers, retries: 0 });
  try {
    const metadata = await admin.metadata({ topics: [] });
    return metadata.brokers.size >= settings.kafka.nodes;
  } finally {
    await admin.close().catch(() => {});
  }
}

/** Whether the node `name` answers with every node of the cluster in its metadata. */
export function nodeReady(settings: StackSettings, name: string): Promise<boolean> {
  const index = kafkaNodeNames(settings).indexOf(name);
  return clusterReady(settings, [`127.0.0.1:${kafkaNodePorts(settings, index).broker}`]);
}

/** Spawns one node (formatting its storage on first start); `startKafka` waits for the cluster. */
function spawnKafkaNode(
  settings: StackSettings,
  dirs: StackDirs,
  cluster: string,
  index: number,
): RunningPart {
  const name = kafkaNodeNames(settings)[index];
  if (name === undefined) throw new Error(`the stack has no Kafka node ${index + 1}`);
  const node = renderNodeConfig(settings, dirs, index, name);
  formatStorage(dirs, node, cluster);
  const logFile = logFileOf(dirs.logs, name);
  const args = jvmArgs({
    heapMb: settings.kafka.heapMb,
    logFile,
    mainClass: 'kafka.Kafka',
    args: [node.config],
  });
  return startPart({ name, command: 'java', args }, dirs);
}

function waitForCluster(settings: StackSettings, part: RunningPart, timeoutMs: number): Promise<void> {
  const what = `${settings.kafka.nodes} Kafka broker(s) answering at ${bootstrapServers(settings)}`;
  return waitUntil(part, what, () => clusterReady(settings), timeoutMs);
}

export async function startKafka(settings: StackSettings, dirs: StackDirs): Promise<RunningPart[]> {
  const cluster = clusterId(dirs);
  const parts = kafkaNodeNames(settings).map((_, index) => spawnKafkaNode(settings, dirs, cluster, index));
  const first = parts[0];
  if (!first) throw new Error('KAFKA_NODES must be at least 1');
  await waitForCluster(settings, first, 90_000);
  return parts;
}

/** Starts one node again (`kafka`, `kafka-2`, …) and resolves once it answers, every node in its metadata. */
export async function restartKafkaNode(
  settings: StackSettings,
  dirs: StackDirs,
  name: string,
): Promise<RunningPart> {
  const index = kafkaNodeNames(settings).indexOf(name);
  const part = spawnKafkaNode(settings, dirs, clusterId(dirs), index);
  await waitUntil(part, `Kafka node ${name} answering`, () => nodeReady(settings, name), 180_000);
  return part;
}

/**
 * Creates the topic catalog of packages/contracts plus Debezium's heartbeat topic. Existing ones are
 * kept as they are, but for their retention, which is set to the catalog's when it differs.
 */
export async function createTopics(settings: StackSettings): Promise<void> {
  const { factor } = replication(settings);
  await ensureTopics({
    bootstrapServers: bootstrapServers(settings),
    topics: [
      ...topicCatalog.map((topic) => ({
        name: topic.name,
        partitions: settings.kafka.partitions,
        replicationFactor: factor,
        compacted: topic.compacted ?? false,
        ...(topic.retentionMs === undefined ? {} : { retentionMs: topic.retentionMs }),
      })),
      { name: debeziumHeartbeatTopic, partitions: 1, replicationFactor: factor, compacted: false },
    ],
  });
}
