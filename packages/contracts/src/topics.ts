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
}

/** The topics the stack runner creates, in addition to Kafka Connect's and Debezium's own. */
export const topicCatalog: readonly TopicSpec[] = [
  { name: topics.orderOutbox },
  { name: topics.orderValidations },
  { name: topics.orderDecisions },
  { name: topics.orderCommands },
  { name: topics.customers, compacted: true },
  { name: topics.products, compacted: true },
  { name: topics.payments },
  { name: topics.shipments },
  { name: topics.deadLetter },
  ...customerLevels.map((level) => ({ name: ordersByLevelTopic(level) })),
];

/** Debezium's heartbeat topic: keeps the replication slot moving when no outbox row is written. */
export const debeziumHeartbeatTopic = '__debezium-heartbeat.microshop';
