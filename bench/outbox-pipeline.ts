// The outbox pipeline alone: commit → record visible to a Kafka consumer at steady rates of 500/s and
// beyond. pgbench commits the orders service's create-order transaction at a fixed rate (its outbox
// row stamped with the time of the insert, just before COMMIT) into a schema whose outbox is in
// Debezium's publication; the connector of infra/connectors routes the rows to a topic of their own,
// and a plain consumer notes when each arrives. No service runs: this is the path PostgreSQL → WAL →
// Debezium on Kafka Connect → Kafka → consumer, with the machine to itself.

import { ensureTopics } from '@microshop/platform';
import { Consumer } from '@platformatic/kafka';
import { bootstrapServers, type StackSettings } from '../infra/src/settings.ts';
import { summarize, until } from './lib/load.ts';
import { pgbench, prepareOrdersSchema } from './lib/pgbench.ts';
import { machine, table, writeSection } from './lib/report.ts';
import { withBenchStack } from './lib/stack.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
// 500/s three times over: its p99 moves from run to run with what else the two cores are doing.
const rates = (process.env.BENCH_PIPELINE_RATES ?? '100,500,500,500,1000').split(',').map(Number);
const schema = 'bench_pipeline';
const topic = 'microshop.bench-outbox';

/** Consumes `topic` from the end and keeps, per record, how long after its outbox insert it arrived. */
async function startLatencyConsumer(settings: StackSettings) {
  const consumer = new Consumer({
    clientId: 'bench-pipeline',
    groupId: `bench-pipeline-${Date.now()}`,
    bootstrapBrokers: bootstrapServers(settings).split(','),
    autocommit: false,
  });
  const latencies: number[] = [];
  const stream = await consumer.consume({ topics: [topic], mode: 'latest', autocommit: false });
  stream.on('data', (message) => {
    const arrived = Date.now();
    const { writtenAtMs } = JSON.parse(String(message.value)) as { writtenAtMs: number };
    latencies.push(arrived - writtenAtMs);
  });
  return {
    /** Takes the latencies gathered so far and starts afresh. */
    take: () => latencies.splice(0),
    count: () => latencies.length,
    close: async () => {
      await stream.close();
      await consumer.close(true);
    },
  };
}

export async function outboxPipeline(): Promise<void> {
  const rows = await withBenchStack(
    async (settings) => {
      await ensureTopics({
        bootstrapServers: bootstrapServers(settings),
        topics: [{ name: topic, partitions: settings.kafka.partitions, replicationFactor: 1 }],
      });
      await prepareOrdersSchema(settings, schema, true);
      const consumer = await startLatencyConsumer(settings);
      const run = { script: 'create-order.sql', schema, clients: 8, define: { topic } };
      // Warm-up: the first records also wait for the consumer's assignment, and the JVMs' JIT compiles
      // the hot paths only under load (the first 500/s run after a 5 s warm-up at 100/s had twice the p99).
      const warm = await pgbench(settings, { ...run, seconds: 15, rate: 300 });
      await until(() => consumer.count() >= warm.transactions, 30_000);
      consumer.take();
      const result: (string | number)[][] = [];
      for (const rate of rates) {
        const load = await pgbench(settings, { ...run, seconds, rate });
        await until(() => consumer.count() >= load.transactions, 15_000);
        const seen = consumer.take();
        const lat = summarize(seen);
        console.log(
          `outbox pipeline at ${load.tps.toFixed(0)}/s: p50 ${lat.p50} ms, p99 ${lat.p99} ms, ${seen.length}/${load.transactions} seen`,
        );
        result.push([
          rate,
          load.tps.toFixed(0),
          lat.p50,
          lat.p99,
          lat.max,
          `${seen.length}/${load.transactions}`,
        ]);
      }
      await consumer.close();
      return result;
    },
    { services: [] },
  );
  writeSection(
    'benchmarks.md',
    'outbox-pipeline',
    `### Outbox pipeline alone: commit → visible to a Kafka consumer at 500/s and more

\`npm run bench -- outbox-pipeline\`, ${new Date().toISOString().slice(0, 10)}, ${machine()}. PostgreSQL, one Kafka broker and
Kafka Connect with the Debezium connector of \`infra/connectors/\`, and no service. After a 15 s warm-up at 300/s,
pgbench (8 clients, \`--rate\`) commits the orders service's create-order transaction (\`bench/sql/create-order.sql\`)
for ${seconds} s per rate, its outbox row stamped with the wall-clock time of the insert just before COMMIT; a consumer of
the routed topic notes when each record arrives. Same clock, ms resolution; the figures include the commit's own
WAL flush, so they slightly overstate commit → visible. "seen" counts the records that arrived within 15 s after the
load. 500/s is measured three times in a row on the same stack.

${table(['offered/s', 'committed/s', 'p50 (ms)', 'p99 (ms)', 'max (ms)', 'seen'], rows)}`,
  );
}
