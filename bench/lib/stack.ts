// The stack the benchmarks run against: the test stack's ports, its own data under .local/bench,
// and watchdog deadlines long enough that no order under load is expired mid-measurement.
import { join } from 'node:path';
import { localDir } from '../../infra/src/paths.ts';
import { type Layout, loadSettings, type StackSettings } from '../../infra/src/settings.ts';
import { type StartOptions, startStack, stopStack } from '../../infra/src/stack.ts';

export function benchSettings(extra: Record<string, string> = {}): StackSettings {
  return loadSettings('test', { ...process.env, TEST_MICROSHOP_HOME: join(localDir, 'bench'), ...extra });
}

/**
 * `kafkaNodes: 3` runs a 3-broker cluster with replicated topics of 6 partitions; `services: []` runs no
 * service; `layout` hosted or split (default split, as the test stack); `serviceEnv` adds to what every
 * service gets.
 */
export async function withBenchStack<T>(
  fn: (settings: StackSettings) => Promise<T>,
  options: {
    kafkaNodes?: number;
    services?: StartOptions['services'];
    layout?: Layout;
    /** Hosted layout: how many host processes share the services (default 1). */
    hosts?: number;
    serviceEnv?: Record<string, string>;
  } = {},
): Promise<T> {
  const nodes = options.kafkaNodes ?? 1;
  const settings = benchSettings({
    ...(nodes > 1 ? { TEST_KAFKA_NODES: String(nodes), TEST_KAFKA_PARTITIONS: '6' } : {}),
    ...(options.layout ? { TEST_MICROSHOP_LAYOUT: options.layout } : {}),
    ...(options.hosts ? { TEST_MICROSHOP_HOSTS: String(options.hosts) } : {}),
  });
  await stopStack(settings, () => {});
  await startStack(settings, {
    fresh: true,
    log: () => {},
    services: options.services,
    serviceEnv: {
      WATCHDOG_CREATED_DEADLINE_MS: '3600000',
      WATCHDOG_VALIDATED_DEADLINE_MS: '3600000',
      LOG_LEVEL: 'warn',
      ...options.serviceEnv,
    },
  });
  try {
    return await fn(settings);
  } finally {
    await stopStack(settings, () => {});
  }
}
