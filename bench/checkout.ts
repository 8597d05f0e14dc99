// The whole checkout: POST → SHIPPED (validation, payment through the payment sandbox, approval,
// booking with the carrier sandbox). For each configuration, on a stack warmed up first (the JITs of a
// fresh stack make its first minute several times slower): a step at a rate every configuration keeps
// up with measures what one order costs the whole stack (CPU of every process, commits in PostgreSQL);
// rising steps find the highest rate it sustains without a growing backlog; a steady 50 orders/s on a
// fresh, warmed-up stack measures latency. The configurations run in the same run, on the same
// machine: the one before the throughput work is the baseline.

import { loadavg } from 'node:os';
import type { StackSettings } from '../infra/src/settings.ts';
import { measureFlow, prepareShop, type Shop } from './lib/flow.ts';
import { measureLimit } from './lib/limit.ts';
import { machine, table, writeSection } from './lib/report.ts';
import { withBenchStack } from './lib/stack.ts';
import { snapshotUsage, type Usage, usageBetween } from './lib/usage.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const steadyRate = Number(process.env.BENCH_CHECKOUT_STEADY ?? 50);
/** The rate every configuration keeps up with: what one order costs is measured there. */
const costRate = Number(process.env.BENCH_CHECKOUT_COST_RATE ?? 10);
/** At the cost step's rate: a warm-up the stack falls behind in would leave the cost step a backlog. */
const warmUp = { rate: costRate, seconds: Number(process.env.BENCH_CHECKOUT_WARMUP_SECONDS ?? 40) };
const rates = (text: string | undefined, fallback: string) => (text ?? fallback).split(',').map(Number);

interface Configuration {
  name: string;
  layout: 'hosted' | 'split';
  hosts?: number;
  serviceEnv: Record<string, string>;
  steps: number[];
}

const configurations: Configuration[] = [
  {
    name: 'before: a process per instance, a transaction per record',
    layout: 'split',
    // As before this work, when there was no tracing either.
    serviceEnv: {
      CONSUMER_MAX_BATCH: '1',
      CONSUMER_COMMIT_INTERVAL_MS: '0',
      DATABASE_PREPARED_STATEMENTS: 'false',
      OTEL_SDK_DISABLED: 'true',
    },
    steps: rates(process.env.BENCH_CHECKOUT_STEPS_BEFORE, '10,20,25,30,40'),
  },
  {
    name: 'after: hosted on two hosts, batches of ready records',
    layout: 'hosted',
    hosts: 2,
    serviceEnv: {},
    steps: rates(process.env.BENCH_CHECKOUT_STEPS, '20,25,30,40,50,100,150'),
  },
  // One JavaScript thread for every service: "after" with the services in one host process.
  {
    name: 'after, one host: the services in one process, batches',
    layout: 'hosted',
    hosts: 1,
    serviceEnv: {},
    steps: rates(process.env.BENCH_CHECKOUT_STEPS, '20,25,30,40,50,100,150'),
  },
  // The layout's share: "after" with a process per service instance.
  {
    name: 'after, split: a process per instance, batches',
    layout: 'split',
    serviceEnv: {},
    steps: rates(process.env.BENCH_CHECKOUT_STEPS, '20,25,30,40,50,100,150'),
  },
  // What tracing costs: the same as "after" (which traces every order, as the stack does by default)
  // with the OpenTelemetry SDK off in every process.
  {
    name: 'tracing off: hosted on two hosts, batches, no spans',
    layout: 'hosted',
    hosts: 2,
    serviceEnv: { OTEL_SDK_DISABLED: 'true' },
    steps: rates(process.env.BENCH_CHECKOUT_STEPS, '20,25,30,40,50,100,150'),
  },
];

interface StepResult {
  keptUp: boolean;
  row: (string | number)[];
  usage?: Usage;
  shipped: number;
}

async function step(settings: StackSettings, shop: Shop, rate: number, label: string): Promise<StepResult> {
  const before = await snapshotUsage(settings);
  const r = await measureFlow(settings, shop, { rate, seconds, eventType: 'OrderShipped', drainMs: 10_000 });
  const usage = usageBetween(before, await snapshotUsage(settings));
  // Kept up: nearly every order shipped within 10 s after the last one was sent.
  const keptUp = r.completionRate >= 0.99 && r.errors === 0;
  const perOrder = (value: number) => (r.reached === 0 ? '' : (value / r.reached).toFixed(1));
  console.log(
    `${label} ${rate}/s: p50 ${r.latency.p50.toFixed(0)} ms, p99 ${r.latency.p99.toFixed(0)} ms, shipped ${(r.completionRate * 100).toFixed(1)} %, ${perOrder(usage.cpuTotal * 1000)} ms CPU and ${perOrder(usage.commits)} commits per order`,
  );
  const row = [
    label,
    rate,
    (r.accepted / r.seconds).toFixed(0),
    `${(r.completionRate * 100).toFixed(1)} %`,
    r.reached === 0 ? '—' : r.latency.p50.toFixed(0),
    r.reached === 0 ? '—' : r.latency.p99.toFixed(0),
    perOrder(usage.cpuTotal * 1000),
    perOrder(usage.commits),
    keptUp ? 'yes' : 'no',
  ];
  return { keptUp, row, usage, shipped: r.reached };
}

interface ConfigurationResult {
  rows: (string | number)[][];
  sustained: number;
  /** The step at `costRate`: what one order costs, part by part. */
  cost: StepResult;
}

/** A shop on a stack whose JITs have run: orders at 10/s for a while, not measured. */
async function warmedShop(settings: StackSettings): Promise<Shop> {
  const shop = await prepareShop(settings, 600);
  await measureFlow(settings, shop, { ...warmUp, eventType: 'OrderShipped', drainMs: 10_000 });
  return shop;
}

async function measure(configuration: Configuration): Promise<ConfigurationResult> {
  const stackOptions = {
    layout: configuration.layout,
    hosts: configuration.hosts,
    serviceEnv: configuration.serviceEnv,
  };
  const rows: (string | number)[][] = [];
  let sustained = 0;
  const cost = await withBenchStack(async (settings) => {
    const shop = await warmedShop(settings);
    const costStep = await step(settings, shop, costRate, `${configuration.name}, cost`);
    rows.push(costStep.row);
    for (const rate of configuration.steps) {
      const result = await step(settings, shop, rate, `${configuration.name}, rising`);
      rows.push(result.row);
      if (!result.keptUp) break;
      sustained = rate;
    }
    return costStep;
  }, stackOptions);
  const steady = await withBenchStack(async (settings) => {
    const shop = await warmedShop(settings);
    return step(settings, shop, steadyRate, `${configuration.name}, steady, fresh stack`);
  }, stackOptions);
  rows.push(steady.row);
  return { rows, sustained, cost };
}

/** CPU ms per shipped order of each part at the cost step, the configurations side by side. */
function breakdown(results: ConfigurationResult[]): (string | number)[][] {
  const parts = new Set(results.flatMap((result) => result.cost.usage?.cpu.map(([name]) => name) ?? []));
  const perOrder = (result: ConfigurationResult, part: string) => {
    const seconds = result.cost.usage?.cpu.find(([name]) => name === part)?.[1];
    return seconds === undefined || result.cost.shipped === 0
      ? '—'
      : ((seconds * 1000) / result.cost.shipped).toFixed(2);
  };
  return [...parts].map((part) => [part, ...results.map((result) => perOrder(result, part))]);
}

export async function checkout(): Promise<void> {
  const loadAtStart = loadavg()[0] ?? 0;
  const results: ConfigurationResult[] = [];
  for (const configuration of configurations) results.push(await measure(configuration));
  const limit = await measureLimit(seconds);
  console.log(`limit: PostgreSQL alone, ten commits per order: ${limit.ordersPerSecond.toFixed(0)} orders/s`);
  const summary = [
    ...configurations.map((configuration, i) => [
      configuration.name,
      `**${results[i]?.sustained} orders/s**`,
    ]),
    [
      `limit: PostgreSQL alone, the ten commits of one order (\`bench/sql/order-limit.sql\`, ${limit.clients} clients)`,
      `${limit.ordersPerSecond.toFixed(0)} orders/s`,
    ],
  ];
  writeSection(
    'benchmarks.md',
    'checkout',
    `### Checkout: POST → SHIPPED

\`npm run bench -- checkout\`, ${new Date().toISOString().slice(0, 10)}, ${machine()}. Every service running on the
same two cores as Kafka, Connect and PostgreSQL, in five configurations measured in this one run: **before** — a process
per service instance (two orders instances), each consumer handling one record per transaction
(\`CONSUMER_MAX_BATCH=1\`), no tracing; **after** — \`npm start\`'s default on two cores: the hosted layout (the
backend services shared by two host processes, two JavaScript threads; the gateway in a third), the consumers
handling the records a partition has ready together (up to 100 per transaction), every order traced (spans exported
to the operations service's store); **after, one host** — the same with every backend service in one host process
(\`MICROSHOP_HOSTS=1\`, one JavaScript thread);
**after, split** — the
same with a process per service instance (the layout's share); and **tracing off** — "after" with the OpenTelemetry
SDK off in every process (\`OTEL_SDK_DISABLED=true\`: the difference is what tracing costs). Every stack first takes
orders at ${warmUp.rate}/s for ${warmUp.seconds} s, unmeasured (a fresh stack's JITs make its first minute several times
slower). Then, on the same stack: the **cost** step at ${costRate}/s, a rate every configuration keeps up with, where CPU
and commits per order are read; then rising steps, stopping at the first that did not keep up; the steady
${steadyRate}/s runs alone on a fresh, warmed-up stack. Open loop, ${seconds} s per step, \`tok_visa\` payments, 600
registered customers round robin. Latency from sending the POST to the \`OrderShipped\` status event on
\`microshop.order-outbox\`. A step "kept up" when ≥ 99 % of its orders shipped within 10 s after it ended and no
request failed. CPU is the user and system time of every process of the stack (the JVMs, PostgreSQL and its backends,
every Node process; not the load generator) over the step, divided by the orders shipped; commits are PostgreSQL's
committed transactions over the step per order shipped (past what a configuration keeps up with, both count work on
orders that did not ship in time and read high). The machine's 1-minute load average was ${loadAtStart.toFixed(1)} when
the run began and ${(loadavg()[0] ?? 0).toFixed(1)} when it ended (above 2, other work shared the two cores: rates and
latencies are then lower bounds of what the stack does alone, while CPU and commits per order change little).

${table(
  [
    'run',
    'offered/s',
    'accepted/s',
    'shipped',
    'p50 ms',
    'p99 ms',
    'CPU ms/order',
    'commits/order',
    'kept up',
  ],
  results.flatMap((result) => result.rows),
)}

Highest sustained rate:

${table(['configuration', 'sustained'], summary)}

Where the CPU of one order goes at the cost step, ${costRate}/s (ms per order shipped):

${table(['part', ...configurations.map((configuration) => configuration.name.split(':')[0] ?? '')], breakdown(results))}`,
  );
}
