// Validation: CREATED → VALIDATED (fraud, inventory and order-details in parallel, then the
// aggregator's decision applied by orders), single broker vs a 3-broker cluster with 6 partitions.

import { type FlowResult, measureFlow, prepareShop } from './lib/flow.ts';
import { machine, table, writeSection } from './lib/report.ts';
import { withBenchStack } from './lib/stack.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const steadyRate = Number(process.env.BENCH_VALIDATION_RATE ?? 50);
const pushRate = Number(process.env.BENCH_VALIDATION_PUSH_RATE ?? 150);

function row(label: string, rate: number, r: FlowResult): (string | number)[] {
  return [
    label,
    rate,
    (r.accepted / r.seconds).toFixed(0),
    (r.reached / r.seconds).toFixed(0),
    `${(r.completionRate * 100).toFixed(1)} %`,
    r.latency.p50.toFixed(0),
    r.latency.p99.toFixed(0),
  ];
}

export async function validation(): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const nodes of [1, 3]) {
    const label = nodes === 1 ? '1 broker, 3 partitions' : '3 brokers, 6 partitions, RF 3';
    await withBenchStack(
      async (settings) => {
        const shop = await prepareShop(settings, 400);
        const steady = await measureFlow(settings, shop, {
          rate: steadyRate,
          seconds,
          eventType: 'OrderValidated',
          drainMs: 15_000,
        });
        const push = await measureFlow(settings, shop, {
          rate: pushRate,
          seconds,
          eventType: 'OrderValidated',
          drainMs: 30_000,
        });
        rows.push(row(label, steadyRate, steady), row(label, pushRate, push));
        console.log(
          `${label}: p99 ${steady.latency.p99.toFixed(0)} ms at ${steadyRate}/s; ${(push.reached / push.seconds).toFixed(0)} validated/s at ${pushRate}/s`,
        );
      },
      { kafkaNodes: nodes },
    );
  }
  writeSection(
    'benchmarks.md',
    'validation',
    `### Validation: CREATED → VALIDATED, one broker vs three

\`npm run bench -- validation\`, ${new Date().toISOString().slice(0, 10)}, ${machine()}. Open loop for ${seconds} s per row through
the gateway, orders of 400 registered customers round robin (so fraud never trips), one product with ample stock. Latency is
from sending the POST to the \`OrderValidated\` status event arriving on \`microshop.order-outbox\`: the order's outbox row,
Debezium, three validators each with their own outbox, Debezium again, the aggregator's decision, Debezium, the orders
service applying it, Debezium once more. The whole stack (3 JVM brokers in the second case) shares the two cores.
"validated/s" counts orders that reached VALIDATED within the run plus a drain period, divided by the run's length.

${table(['cluster', 'offered orders/s', 'accepted/s', 'validated/s', 'completed', 'p50 ms', 'p99 ms'], rows)}`,
  );
}
