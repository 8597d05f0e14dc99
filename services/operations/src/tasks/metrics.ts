import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * What operations reports on /metrics (besides the kit's own): the CDC pipeline (connector state and
 * restarts, replication slots, event flow and outbox lag), dead letters and consumer-group lag.
 */
export interface OperationsMetrics {
  connectorRunning: Gauge<'connector'>;
  connectorUnitState: Gauge<'connector' | 'unit' | 'state'>;
  connectorRestarts: Counter<'connector'>;
  slotLagBytes: Gauge<'slot'>;
  slotRetainedBytes: Gauge<'slot'>;
  slotSafeWalBytes: Gauge<'slot'>;
  slotActive: Gauge<'slot'>;
  eventFlowOk: Gauge;
  eventFlowRoundTripSeconds: Gauge;
  outboxLagSeconds: Gauge;
  deadLettersOpen: Gauge<'group'>;
  consumerGroupLag: Gauge<'group' | 'topic' | 'partition'>;
}

export function createOperationsMetrics(registry: Registry): OperationsMetrics {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  return {
    connectorRunning: gauge(
      'microshop_connector_running',
      '1 when the connector and all its tasks are RUNNING.',
      ['connector'],
    ),
    connectorUnitState: gauge(
      'microshop_connector_unit_state',
      '1 for the state a connector or task is in.',
      ['connector', 'unit', 'state'],
    ),
    connectorRestarts: new Counter({
      name: 'microshop_connector_restarts_total',
      help: 'Restarts of a FAILED connector or task by the watchdog.',
      labelNames: ['connector'],
      registers: [registry],
    }),
    slotLagBytes: gauge(
      'microshop_replication_slot_lag_bytes',
      'WAL not yet confirmed by the slot’s reader.',
      ['slot'],
    ),
    slotRetainedBytes: gauge('microshop_replication_slot_retained_bytes', 'WAL the slot holds on disk.', [
      'slot',
    ]),
    slotSafeWalBytes: gauge(
      'microshop_replication_slot_safe_wal_bytes',
      'WAL that may still be written before the slot is invalidated.',
      ['slot'],
    ),
    slotActive: gauge('microshop_replication_slot_active', '1 while a reader is connected to the slot.', [
      'slot',
    ]),
    eventFlowOk: gauge(
      'microshop_event_flow_ok',
      '1 while heartbeats make the round trip outbox → Kafka within the threshold.',
    ),
    eventFlowRoundTripSeconds: gauge(
      'microshop_event_flow_round_trip_seconds',
      'Round trip of the newest heartbeat that came back.',
    ),
    outboxLagSeconds: gauge(
      'microshop_outbox_lag_seconds',
      'Age of the oldest heartbeat written but not yet back from Kafka.',
    ),
    deadLettersOpen: gauge(
      'microshop_dead_letters_open',
      'Dead letters neither redriven nor discarded, per consumer group.',
      ['group'],
    ),
    consumerGroupLag: gauge(
      'microshop_consumer_group_lag',
      'Records not yet handled, per group, topic and partition.',
      ['group', 'topic', 'partition'],
    ),
  };
}
