// The Kafka layer of the service kit: an idempotent producer, an at-least-once consumer with retries
// and a dead-letter topic, and topic administration. Re-exported by the package's index.ts.
export {
  type AdminConnection,
  type ConsumerGroupSummary,
  consumerGroupsLag,
  consumerLag,
  deleteConsumerGroups,
  deleteTopics,
  type EnsureTopicsResult,
  ensureTopics,
  listConsumerGroups,
  listTopicNames,
  type PartitionLag,
  type TopicToEnsure,
} from './admin.ts';
export type { BatchContext, BatchHandler } from './batch-processor.ts';
export {
  type ConsumedMessage,
  decodeHeaders,
  eventIdOf,
  type OutgoingValue,
  ValueNotJsonError,
} from './codec.ts';
export { createEventConsumer, type EventConsumer, type EventConsumerOptions } from './consumer.ts';
export { deadLetterHeaders, redriveHeaders } from './dead-letter.ts';
export { decodeEvent, eventTypeOf, parseEvent } from './decode-event.ts';
export type { HandlerContext, MessageHandler } from './message-processor.ts';
export {
  createProducer,
  type EventProducer,
  type EventProducerOptions,
  type OutgoingMessage,
  type ProducedOffset,
} from './producer.ts';
export { backoffDelay, isRetriable } from './retry.ts';
export {
  asBatchHandler,
  asMessageHandler,
  byTopic,
  type HandledOutcome,
  type HandlerTransaction,
  handleTransactionally,
  handleTransactionallyMany,
  type IdentifiedEvent,
  type InboxBinding,
  isTransactional,
  type TransactionalHandler,
  transactional,
  withTraceparent,
} from './transactional.ts';
