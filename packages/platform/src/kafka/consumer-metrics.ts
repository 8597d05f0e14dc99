import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { registerOnce } from '../metrics.ts';

export type DeadLetterReason = 'undecodable' | 'non-retriable' | 'retries-exhausted';

/** What the consumer reports; a no-op when the service passes no registry. */
export interface ConsumerMetrics {
  handled(topic: string): void;
  deadLettered(topic: string, reason: DeadLetterReason): void;
  retried(topic: string, failure: string): void;
  /** +1 when a message starts waiting for an unavailable dependency, -1 when it stops. */
  waiting(topic: string, delta: 1 | -1): void;
  /** Duration of one handler call, successful or not. */
  observeHandle(topic: string, seconds: number): void;
  /** Records the partition still has to be handled by this group (lag-monitor.ts). */
  lag(topic: string, partition: number, records: number): void;
  /** The partition is no longer this member's: its lag is another member's to report. */
  forgetLag(topic: string, partition: number): void;
}

const labelNames = ['topic', 'group'] as const;

export function createConsumerMetrics(registry: Registry | undefined, group: string): ConsumerMetrics {
  if (!registry) {
    const none = () => {};
    return {
      handled: none,
      deadLettered: none,
      retried: none,
      waiting: none,
      observeHandle: none,
      lag: none,
      forgetLag: none,
    };
  }
  const handled = counter(
    registry,
    'microshop_kafka_messages_handled_total',
    'Messages whose handler succeeded.',
    labelNames,
  );
  const deadLettered = counter(
    registry,
    'microshop_kafka_messages_dead_lettered_total',
    'Messages parked on the dead-letter topic.',
    [...labelNames, 'reason'],
  );
  const retried = counter(
    registry,
    'microshop_kafka_message_retries_total',
    'Handler calls repeated after a failure, by failure class (unavailable, transient, unknown).',
    [...labelNames, 'failure'],
  );
  const waiting = registerOnce(
    registry,
    'microshop_kafka_partitions_waiting',
    () =>
      new Gauge({
        name: 'microshop_kafka_partitions_waiting',
        help: 'Partitions whose next message waits for an unavailable dependency (database, broker, provider).',
        labelNames,
        registers: [],
      }),
  );
  const duration = histogram(
    registry,
    'microshop_kafka_message_handle_duration_seconds',
    'Duration of one handler call.',
  );
  const lag = registerOnce(
    registry,
    'microshop_kafka_consumer_lag',
    () =>
      new Gauge({
        name: 'microshop_kafka_consumer_lag',
        help: 'Records of a partition not yet handled by the group, as the member that owns it sees it.',
        labelNames: [...labelNames, 'partition'],
        registers: [],
      }),
  );
  return {
    lag: (topic, partition, records) => lag.set({ topic, group, partition: String(partition) }, records),
    forgetLag: (topic, partition) => lag.remove({ topic, group, partition: String(partition) }),
    handled: (topic) => handled.inc({ topic, group }),
    deadLettered: (topic, reason) => deadLettered.inc({ topic, group, reason }),
    retried: (topic, failure) => retried.inc({ topic, group, failure }),
    waiting: (topic, delta) => waiting.inc({ topic, group }, delta),
    observeHandle: (topic, seconds) => duration.observe({ topic, group }, seconds),
  };
}

// Several consumers of one service share the registry: registerOnce makes the second one reuse
// the metric instead of throwing "already registered".
function counter(registry: Registry, name: string, help: string, labels: readonly string[]): Counter<string> {
  return registerOnce(registry, name, () => new Counter({ name, help, labelNames: labels, registers: [] }));
}

function histogram(registry: Registry, name: string, help: string): Histogram<string> {
  const buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return registerOnce(
    registry,
    name,
    () => new Histogram({ name, help, labelNames, buckets, registers: [] }),
  );
}
