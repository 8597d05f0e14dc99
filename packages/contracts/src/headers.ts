// The Kafka headers microshop's messages carry, named once: the kit writes and reads them, the
// AsyncAPI document describes them.

/** On every event: set by Debezium's Outbox Event Router from the outbox row's columns. */
export const eventHeaders = {
  /** The event id, the same as the envelope's `id`: what consumers record in their inbox. */
  id: 'id',
  /** The event type, the same as the envelope's `type`. */
  type: 'type',
} as const;

/**
 * Added to a record parked on the dead-letter topic, beside its original headers: where it came from
 * and why it failed, so an operator can read, fix and replay it without any other record.
 */
export const deadLetterHeaderNames = {
  topic: 'dlq.topic',
  partition: 'dlq.partition',
  offset: 'dlq.offset',
  /** The consumer group that failed on it. */
  group: 'dlq.group',
  error: 'dlq.error',
  /** The error's code (an `AppError` code, a decoder's code, or the error's class name). */
  errorCode: 'dlq.error.code',
  /** Handler attempts made; 0 when the record could not even be decoded. */
  attempts: 'dlq.attempts',
  failedAt: 'dlq.failed-at',
} as const;

/**
 * Headers a redriven record carries. A redrive goes back to the record's original topic, where every
 * group reading that topic would see it: `redrive.group` addresses it to the group that failed, and the
 * kit's consumers of every other group pass it by, so no group handles a message twice however long ago
 * it first did (its inbox may have been pruned since).
 */
export const redriveHeaders = {
  group: 'redrive.group',
  /** Derived from the dead letter's coordinates: a retried or doubled redrive has the same id. */
  id: 'redrive.id',
  /** How often this record has been redriven. */
  count: 'redrive.count',
  /** Who redrove it. */
  by: 'redrive.by',
} as const;
