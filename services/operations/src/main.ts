import { topics } from '@microshop/contracts';
import {
  createProducer,
  defineService,
  type Logger,
  type PeriodicSpec,
  type Pool,
  pruneExpired,
  runStandalone,
} from '@microshop/platform';
import { createConnectClient } from './clients/connect.ts';
import { oneByOne, startDeadLetterReader } from './clients/dead-letter-reader.ts';
import { createKafkaBrowser } from './clients/kafka-browser.ts';
import { createGroupAdmin } from './clients/kafka-groups.ts';
import { heartbeatTopicOf, type OperationsConfig, operationsConfig } from './config.ts';
import type { EventFlow } from './domain/event-flow.ts';
import { indexDeadLetters } from './handlers/dead-letters.ts';
import { currentEventFlow, readHeartbeats, sendHeartbeat } from './handlers/heartbeats.ts';
import { indexOrderFlow } from './handlers/order-flow.ts';
import { build } from './http/routes.ts';
import { connectorWatchdog } from './tasks/connector-watchdog.ts';
import { recordTimesOf } from './tasks/lag-ages.ts';
import { createOperationsMetrics } from './tasks/metrics.ts';
import { redriveResolver } from './tasks/redrive-resolver.ts';
import { redriveGraceMs, redriveSender } from './tasks/redrive-sender.ts';
import { sampler } from './tasks/sampler.ts';

// The one wiring place of the operations service: its database; the operator API; the reader that
// indexes every dead letter; the heartbeat consumer; and its periodic passes: heartbeats, redrives,
// the connector watchdog and the sampler of CDC and consumer-group figures. Run alone with
// `node services/operations/src/main.ts` (the stack runner waits for GET /ready, which includes
// `event flow`: a heartbeat must come back through outbox → Debezium → Kafka within the threshold).

const redrivePassMs = 500;
const day = 24 * 3_600_000;

export const service = defineService({
  name: 'operations',
  config: operationsConfig,
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: ({ config, pool, logger, metrics, onStop }) => {
    const connect = createConnectClient({ url: config.CONNECT_URL, logger });
    onStop('kafka connect client', () => connect.close());
    const producer = createProducer({
      bootstrapServers: config.KAFKA_BOOTSTRAP_SERVERS,
      clientId: `${config.INSTANCE_ID}-redrive`,
      logger,
    });
    onStop('redrive producer', () => producer.close());
    const opsMetrics = createOperationsMetrics(metrics);
    const thresholdMs = config.EVENT_FLOW_THRESHOLD_MS;
    const eventFlow = currentEventFlow({ pool, thresholdMs, startedAt: new Date() });
    const watchdog = connectorWatchdog({
      pool,
      connect,
      policy: watchdogPolicy(config),
      metrics: opsMetrics,
      logger,
    });
    const bootstrapServers = config.KAFKA_BOOTSTRAP_SERVERS;
    const kafka = createKafkaBrowser({ bootstrapServers, clientId: config.INSTANCE_ID });
    onStop('kafka browser', () => kafka.close());
    const groups = createGroupAdmin({ bootstrapServers, clientId: config.INSTANCE_ID });
    onStop('kafka group admin', () => groups.close());
    const recordTimes = recordTimesOf(kafka);
    const samples = sampler({ pool, bootstrapServers, metrics: opsMetrics, eventFlow, recordTimes });
    return {
      http: (base) =>
        build({
          ...base,
          pool,
          connect,
          eventFlow,
          eventFlowThresholdMs: thresholdMs,
          sample: samples.current,
          kafka,
          groups,
          traceIngestKey: config.TRACE_INGEST_KEY,
        }),
      background: {
        'dead-letter reader': () => deadLetterReader(config, pool, logger),
        'order-flow reader': () => orderFlowReader(config, pool, logger),
      },
      consumers: { heartbeats: { topics: [config.HEARTBEAT_TOPIC], handle: readHeartbeats() } },
      tasks: {
        ...heartbeatTasks(config, pool),
        'redrive sender': {
          intervalMs: redrivePassMs,
          run: redriveSender({ pool, producer, perPass: perPass(config), graceMs: redriveGraceMs, logger }),
        },
        'redrive resolver': { intervalMs: 5_000, run: redriveResolver({ pool, bootstrapServers }) },
        'connector watchdog': { intervalMs: config.WATCHDOG_INTERVAL_MS, run: watchdog.run },
        sampler: { intervalMs: config.SAMPLE_INTERVAL_MS, run: samples.run },
      },
      readiness: [{ name: 'event flow', check: () => assertFlowing(eventFlow) }],
      retention: [
        { table: 'spans', column: 'received_at', keepMs: config.TRACE_RETENTION_HOURS * 3_600_000 },
        // The console's: a day of lag samples, thirty days of the order-flow index.
        { table: 'consumer_lag_samples', column: 'at', keepMs: day },
        { table: 'order_flow', column: 'at', keepMs: 30 * day },
      ],
    };
  },
});

function deadLetterReader(config: OperationsConfig, pool: Pool, logger: Logger) {
  return startDeadLetterReader({
    bootstrapServers: config.KAFKA_BOOTSTRAP_SERVERS,
    topic: config.DEAD_LETTER_TOPIC,
    groupId: config.DEAD_LETTER_GROUP,
    clientId: `${config.INSTANCE_ID}-dead-letters`,
    logger,
    index: oneByOne(indexDeadLetters({ pool, services: config.KNOWN_SERVICES })),
  });
}

/** Every order topic, read raw into the order-flow index (group operations-order-flow). */
function orderFlowReader(config: OperationsConfig, pool: Pool, logger: Logger) {
  return startDeadLetterReader({
    bootstrapServers: config.KAFKA_BOOTSTRAP_SERVERS,
    topic: orderFlowTopics,
    groupId: 'operations-order-flow',
    clientId: `${config.INSTANCE_ID}-order-flow`,
    logger,
    index: indexOrderFlow(pool),
    // The console's index, not the order's path: a tenth of a second late, a commit per batch.
    maxBatch: 500,
    lingerMs: 100,
  });
}

const orderFlowTopics = [
  topics.orderOutbox,
  topics.orderValidations,
  topics.orderDecisions,
  topics.orderCommands,
  topics.payments,
  topics.shipments,
  topics.deadLetter,
];

/** A heartbeat through the outbox every interval; a day of them kept. */
function heartbeatTasks(config: OperationsConfig, pool: Pool): Record<string, PeriodicSpec> {
  const send = sendHeartbeat({ pool, topic: heartbeatTopicOf(config), instance: config.INSTANCE_ID });
  const keepMs = 24 * 3_600_000;
  return {
    heartbeat: { intervalMs: config.HEARTBEAT_INTERVAL_MS, run: send },
    'heartbeat retention': {
      intervalMs: 3_600_000,
      run: () => pruneExpired(pool, { table: 'heartbeats', column: 'sent_at', keepMs }),
    },
  };
}

async function assertFlowing(eventFlow: () => Promise<EventFlow>): Promise<void> {
  const flow = await eventFlow();
  if (!flow.ok) throw new Error(flow.problem ?? 'events do not flow');
}

function watchdogPolicy(config: OperationsConfig) {
  return {
    initialBackoffMs: config.WATCHDOG_BACKOFF_MS,
    maxBackoffMs: config.WATCHDOG_MAX_BACKOFF_MS,
    healthyAfterMs: Math.max(60_000, config.WATCHDOG_BACKOFF_MS * 2),
  };
}

/** Redrives produced per pass: the rate limit spread over the passes of a second. */
function perPass(config: OperationsConfig): number {
  return Math.max(1, Math.ceil((config.REDRIVE_RATE_PER_SECOND * redrivePassMs) / 1000));
}

if (import.meta.main) await runStandalone(service);
