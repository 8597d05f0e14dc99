// Every Kafka topic microshop uses, in one place. The stack runner creates exactly these
// (auto-creation is off on the broker), so a misspelt topic fails loudly instead of being created.

export const customerLevels = ['bronze', 'silver', 'gold', 'platinum'] as const;
export type CustomerLevel = (typeof customerLevels)[number];

export const topics = {
  /** Order status events from the orders service outbox. Key: customer id. */
  orderOutbox: 'microshop.order-outbox',
  /** PASS/FAIL results of the fraud, inventory and order-details checks. Key: order id. */
  orderValidations: 'microshop.order-validations',
  /** The validation aggregator's one decision per order. Key: order id. */
  orderDecisions: 'microshop.order-decisions',
  /** Commands to the orders service (e.g. the watchdog's expiry). Key: order id. */
  orderCommands: 'microshop.order-commands',
  /** Customer changes; compacted so a new reader rebuilds its copy. Key: customer id. */
  customers: 'microshop.customers',
  /** Catalog changes (price, stock) from inventory; compacted. Key: sku. */
  products: 'microshop.products',
  /** Payment results and refunds. Key: order id. */
  payments: 'microshop.payments',
  /** Shipment dispatch and delivery. Key: order id. */
  shipments: 'microshop.shipments',
  /** Messages a consumer could not decode or kept failing on, with the error in headers. */
  deadLetter: 'microshop.dead-letter',
  /** The operations service's heartbeats through its own outbox: proof that events flow. Key: instance id. */
  heartbeats: 'microshop.heartbeats',
} as const;

export type TopicName = (typeof topics)[keyof typeof topics] | OrdersByLevelTopic;
export type OrdersByLevelTopic = `microshop.orders-${CustomerLevel}`;

/** Dynamic routing: every order, enriched with its customer's level. Key: order id. */
export function ordersByLevelTopic(level: CustomerLevel): OrdersByLevelTopic {
  return `microshop.orders-${level}`;
}

export interface TopicSpec {
  name: TopicName;
  /** Compacted topics keep the latest value per key forever. */
  compacted?: boolean;
  /** How long a record is kept (`retention.ms`); absent for compacted topics. */
  retentionMs?: number;
}

const day = 24 * 3_600_000;

/**
 * How long each kind of topic keeps its records. Events: a week, which the consumers' inbox (14 days)
 * and the outboxes' re-streamable rows (3 days) are sized against. Dead letters: 30 days, long enough
 * for an operator to find, fix and redrive them. Heartbeats are only looked at while fresh.
 */
export const topicRetention = { events: 7 * day, deadLetters: 30 * day, heartbeats: day } as const;

const events = { retentionMs: topicRetention.events };

/** The topics the stack runner creates, in addition to Kafka Connect's and Debezium's own. */
export const topicCatalog: readonly TopicSpec[] = [
  { name: topics.orderOutbox, ...events },
  { name: topics.orderValidations, ...events },
  { name: topics.orderDecisions, ...events },
  { name: topics.orderCommands, ...events },
  { name: topics.customers, compacted: true },
  { name: topics.products, compacted: true },
  { name: topics.payments, ...events },
  { name: topics.shipments, ...events },
  { name: topics.deadLetter, retentionMs: topicRetention.deadLetters },
  { name: topics.heartbeats, retentionMs: topicRetention.heartbeats },
  ...customerLevels.map((level) => ({ name: ordersByLevelTopic(level), ...events })),
];

/** Debezium's heartbeat topic: keeps the replication slot moving when no outbox row is written. */
export const debeziumHeartbeatTopic = '__debezium-heartbeat.microshop';
