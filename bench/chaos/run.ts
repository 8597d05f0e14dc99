// npm run chaos [-- --orders 10000 --rate 3 --faults 50 --schedule 7 --no-doc]
// Starts a stack of its own (.local/chaos; the test stack's ports + CHAOS_PORT_OFFSET, default 300,
// so it runs beside `npm start` and `npm test`): 3 Kafka brokers, two instances of each service (one
// gateway, one operations service, and the outside world once), supervised as `npm start` is. Then
// places orders at a steady rate while injecting faults, audits, prints the figures and writes them to
// docs/reliability.md (unless --no-doc). Exits 1 if anything was lost, charged twice, oversold or stuck.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serviceSpecs } from '../../infra/src/apphost.ts';
import { localDir } from '../../infra/src/paths.ts';
import { loadSettings, type StackSettings } from '../../infra/src/settings.ts';
import { startStack, stopStack } from '../../infra/src/stack.ts';
import { type Supervisor, superviseStack } from '../../infra/src/supervise.ts';
import { problemsOf, runChaos } from './chaos.ts';
import { envOfNpmStart } from './deadlines.ts';
import { printReport, writeReliabilityTable } from './report.ts';

/** Services run twice but these: the one address clients use, the CDC watchdog, the outside world. */
const runOnce = new Set(['gateway', 'operations', 'payment-sandbox', 'carrier-sandbox', 'mail-sink']);
export function chaosSettings(env: NodeJS.ProcessEnv = process.env): StackSettings {
  const offset = Number(env.CHAOS_PORT_OFFSET ?? 300);
  const test = loadSettings('test', env);
  const port = (value: number) => String(value + offset);
  return loadSettings('test', {
    ...env,
    TEST_MICROSHOP_HOME: join(localDir, 'chaos'),
    TEST_MICROSHOP_LAYOUT: 'split',
    TEST_KAFKA_NODES: env.CHAOS_KAFKA_NODES ?? '3',
    TEST_KAFKA_PARTITIONS: '6',
    TEST_PG_PORT: port(test.pg.port),
    TEST_KAFKA_PORT: port(test.kafka.port),
    TEST_KAFKA_CONTROLLER_PORT: port(test.kafka.controllerPort),
    TEST_CONNECT_PORT: port(test.connect.port),
    TEST_GATEWAY_PORT: port(test.gateway.port),
    TEST_SERVICE_PORT_BASE: port(test.servicePortBase),
    TEST_SMTP_PORT: port(test.smtp.port),
  });
}

function options() {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '10000' },
      rate: { type: 'string', default: '3' },
      faults: { type: 'string', default: '50' },
      schedule: { type: 'string', default: String(Date.now() % 100_000) },
      'settle-s': { type: 'string', default: '60' },
      'no-doc': { type: 'boolean', default: false },
    },
  });
  return {
    chaos: {
      orders: Number(values.orders),
      rate: Number(values.rate),
      faults: Number(values.faults),
      schedule: Number(values.schedule),
      settleMs: Number(values['settle-s']) * 1000,
    },
    writeDoc: !values['no-doc'],
  };
}

async function main(): Promise<number> {
  const { chaos, writeDoc } = options();
  const settings = chaosSettings();
  for (const { name } of serviceSpecs) {
    const variable = `INSTANCES_${name.toUpperCase().replaceAll('-', '_')}`;
    process.env[variable] ??= runOnce.has(name) ? '1' : '2';
  }
  console.log(
    `chaos stack in ${settings.home}: ${settings.kafka.nodes} brokers, gateway ${settings.gateway.port}`,
  );
  await stopStack(settings, () => {});
  const stack = await startStack(settings, {
    fresh: true,
    serviceEnv: { ...envOfNpmStart, LOG_LEVEL: 'warn' },
  });
  const logFile = join(stack.dirs.logs, 'supervisor.log');
  let supervisor: Supervisor | undefined = superviseStack(stack, {
    log: (line) => {
      appendFileSync(logFile, `${line}\n`);
      console.log(`  supervisor: ${line}`);
    },
  });
  const stop = async () => {
    supervisor?.stop();
    supervisor = undefined;
    await stopStack(settings, () => {});
  };
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
  try {
    console.log(
      `schedule ${chaos.schedule}: ${chaos.orders} orders at ${chaos.rate}/s, ${chaos.faults} faults`,
    );
    const report = await runChaos(stack, chaos, (line) => console.log(line));
    printReport(report);
    if (writeDoc) writeReliabilityTable(report, settings);
    return problemsOf(report).length === 0 ? 0 : 1;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`\n✗ ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
