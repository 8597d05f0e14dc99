import type pg from 'pg';
import { withTransaction } from '../db/pool.ts';
import { recordInbox } from '../inbox.ts';
import type { Logger } from '../logger.ts';
import { appendToOutbox, type OutboxMessage } from '../outbox.ts';
import type { ConsumedMessage } from './codec.ts';
import type { HandlerContext, MessageHandler } from './message-processor.ts';

/**
 * The consumer rule in one place: receive → one transaction (record the event id in the inbox, skip
 * if seen; change state; write the outbox rows) → commit → commit the offset. A service says only
 * which messages are its own (`decode`, pure, outside any transaction) and what one of them does
 * (`apply`, inside the transaction the kit opened); the kit does the rest, the same for every service.
 */

/** Every event carries its id: the inbox key when the record has no `id` header. */
export interface IdentifiedEvent {
  id: string;
}

/** What `apply` works with: the open transaction and the outbox it publishes through. */
export interface HandlerTransaction {
  /** The client inside the transaction; every read and write of the event goes through it. */
  client: pg.PoolClient;
  /** The id recorded in the inbox for this event. */
  eventId: string;
  /** Queues events for the outbox; they are written just before the transaction commits. */
  publish(...messages: OutboxMessage[]): void;
  /**
   * Runs `effect` once the transaction has committed (never if it rolls back): waking a task that
   * reads what was just written, logging what was done. An effect that throws is logged, not retried.
   */
  afterCommit(effect: () => void): void;
  /** Bound to the record's topic, partition, offset and event id. */
  logger: Logger;
}

export interface TransactionalHandler<T extends IdentifiedEvent> {
  readonly kind: 'transactional';
  /**
   * The event a record carries if it is one this consumer acts on, else null (another event type on a
   * shared topic: skipped without a transaction). Throws a non-retriable error for a record that claims
   * to be one of ours but breaks its schema: it is dead-lettered.
   */
  decode(message: ConsumedMessage): T | null;
  /** The event's effects, inside the transaction; never called twice for one event id. */
  apply(event: T, tx: HandlerTransaction, message: ConsumedMessage): Promise<void>;
}

/** Declares a transactional handler (gives `decode` and `apply` one event type). */
export function transactional<T extends IdentifiedEvent>(
  handler: Omit<TransactionalHandler<T>, 'kind'>,
): TransactionalHandler<T> {
  return { kind: 'transactional', decode: handler.decode, apply: handler.apply };
}

export function isTransactional(
  handle: TransactionalHandler<IdentifiedEvent> | MessageHandler,
): handle is TransactionalHandler<IdentifiedEvent> {
  return typeof handle !== 'function' && handle.kind === 'transactional';
}

export interface InboxBinding {
  pool: pg.Pool;
  /** The inbox's consumer name: the consumer group. */
  consumer: string;
}

/** What handling one record did: nothing (not ours), skipped (seen before) or applied. */
export type HandledOutcome = 'ignored' | 'skipped' | 'applied';

/**
 * Handles one record through `handler` in its own transaction. The consumer calls it through
 * `asMessageHandler`; tests call it directly with a `consumedMessage`.
 */
export async function handleTransactionally<T extends IdentifiedEvent>(
  handler: TransactionalHandler<T>,
  binding: InboxBinding,
  message: ConsumedMessage,
  logger: Logger,
): Promise<HandledOutcome> {
  const event = handler.decode(message);
  if (event === null) return 'ignored';
  const eventId = message.eventId ?? event.id;
  const effects: (() => void)[] = [];
  const outcome = await withTransaction(binding.pool, async (client): Promise<HandledOutcome> => {
    const first = await recordInbox(client, {
      consumer: binding.consumer,
      eventId,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
    });
    if (!first) {
      logger.debug({ eventId }, 'event already handled; skipped');
      return 'skipped';
    }
    const outbox: OutboxMessage[] = [];
    const tx: HandlerTransaction = {
      client,
      eventId,
      publish: (...messages) => void outbox.push(...messages),
      afterCommit: (effect) => void effects.push(effect),
      logger,
    };
    await handler.apply(event, tx, message);
    await appendToOutbox(client, outbox);
    return 'applied';
  });
  runEffects(effects, logger);
  return outcome;
}

function runEffects(effects: readonly (() => void)[], logger: Logger): void {
  for (const effect of effects) {
    try {
      effect();
    } catch (error) {
      logger.error({ err: error }, 'after-commit effect failed');
    }
  }
}

/**
 * One consumer reading several topics, each with its own handler: a record is decoded and applied by
 * the handler of its topic; a record from any other topic is not ours (null).
 */
export function byTopic(
  handlers: Record<string, TransactionalHandler<IdentifiedEvent> | undefined>,
): TransactionalHandler<IdentifiedEvent> {
  const handlerOf = (topic: string) => (Object.hasOwn(handlers, topic) ? handlers[topic] : undefined);
  return transactional({
    decode: (message) => handlerOf(message.topic)?.decode(message) ?? null,
    apply: async (event, tx, message) => {
      await handlerOf(message.topic)?.apply(event, tx, message);
    },
  });
}

/** The consumer's view of a transactional handler. */
export function asMessageHandler<T extends IdentifiedEvent>(
  handler: TransactionalHandler<T>,
  binding: InboxBinding,
): MessageHandler {
  return async (message: ConsumedMessage, context: HandlerContext) => {
    await handleTransactionally(handler, binding, message, context.logger);
  };
}
