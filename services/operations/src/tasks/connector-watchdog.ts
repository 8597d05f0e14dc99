import type { Logger, Pool } from '@microshop/platform';
import type { ConnectClient, ConnectorStatus } from '../clients/connect.ts';
import {
  decideRestarts,
  isRunning,
  type ObservedConnector,
  type Remembered,
  remedyFor,
  type WatchdogPolicy,
} from '../domain/watchdog.ts';
import { actOnConnector } from '../handlers/connector-actions.ts';
import type { OperationsMetrics } from './metrics.ts';

/**
 * Every pass: reads every connector's state from Kafka Connect, publishes it as metrics, and restarts
 * the failed units of a FAILED connector (`POST /connectors/<name>/restart?includeTasks=true&onlyFailed=true`)
 * with backoff (domain/watchdog.ts), each restart logged as an alert, counted and audited (actor
 * `watchdog`). The last states read are kept for the operator API.
 */
export function connectorWatchdog(deps: {
  pool: Pool;
  connect: ConnectClient;
  policy: WatchdogPolicy;
  metrics: OperationsMetrics;
  logger: Logger;
}) {
  let memory: ReadonlyMap<string, Remembered> = new Map();
  let latest: { at: Date; connectors: ConnectorStatus[] } | null = null;
  const logger = deps.logger.child({ component: 'connector-watchdog' });

  async function run(): Promise<void> {
    const connectors = await deps.connect.list();
    latest = { at: new Date(), connectors };
    const observed = connectors.map(observedOf);
    report(observed, deps.metrics);
    const decision = decideRestarts(observed, memory, Date.now(), deps.policy);
    memory = decision.memory;
    for (const restart of decision.restarts) {
      const failed = restart.failed.map((unit) => ({
        unit: unit.unit,
        trace: unit.trace?.split('\n')[0]?.slice(0, 500),
        remedy: remedyFor(unit.trace),
      }));
      logger.error(
        { alert: 'connector-failed', connector: restart.connector, failed, attempt: restart.attempt },
        'connector FAILED; restarting its failed units',
      );
      deps.metrics.connectorRestarts.inc({ connector: restart.connector });
      await actOnConnector(
        { pool: deps.pool, connect: deps.connect, logger },
        {
          connector: restart.connector,
          action: 'restart',
          onlyFailed: true,
          reason: `watchdog, restart ${restart.attempt}`,
        },
        { actor: 'watchdog', requestId: null },
        0,
      ).catch((error: unknown) =>
        logger.error({ err: error, connector: restart.connector }, 'restart failed'),
      );
    }
    for (const waiting of decision.waiting) {
      logger.warn(
        { alert: 'connector-failed', connector: waiting.connector, restartInMs: waiting.restartInMs },
        'connector still FAILED; next restart after its backoff',
      );
    }
  }

  return { run, latest: () => latest };
}

function observedOf(status: ConnectorStatus): ObservedConnector {
  return {
    name: status.name,
    units: [
      { unit: 'connector', state: status.connector.state, trace: status.connector.trace ?? undefined },
      ...status.tasks.map((task) => ({
        unit: `task ${task.id}`,
        state: task.state,
        trace: task.trace ?? undefined,
      })),
    ],
  };
}

function report(observed: readonly ObservedConnector[], metrics: OperationsMetrics): void {
  metrics.connectorUnitState.reset();
  for (const connector of observed) {
    metrics.connectorRunning.set({ connector: connector.name }, isRunning(connector) ? 1 : 0);
    for (const unit of connector.units) {
      metrics.connectorUnitState.set({ connector: connector.name, unit: unit.unit, state: unit.state }, 1);
    }
  }
}
