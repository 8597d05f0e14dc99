import type pg from 'pg';
import { withTransaction } from '../db/pool.ts';
import { recordInboxMany } from '../inbox.ts';
import type { Logger } from '../logger.ts';
import { appendToOutbox, type OutboxMessage } from '../outbox.ts';
import { currentTraceparent, tagOrder, withRecordSpan } from '../telemetry/messages.ts';
import type { BatchHandler } from './batch-processor.ts';
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
  const [outcome] = await handleTransactionallyMany(handler, binding, [message], logger);
  return outcome ?? 'ignored';
}

/**
 * Handles consecutive records of one partition in ONE transaction: one inbox insert for all, each
 * record's `apply` in offset order (a later one sees what an earlier one wrote), one outbox insert,
 * one commit. If anything throws nothing of the batch happened; the consumer then retries it, or replays
 * it one record at a time to find the one that cannot succeed.
 */
export async function handleTransactionallyMany<T extends IdentifiedEvent>(
  handler: TransactionalHandler<T>,
  binding: InboxBinding,
  messages: readonly ConsumedMessage[],
  logger: Logger,
): Promise<HandledOutcome[]> {
  const outcomes: HandledOutcome[] = messages.map(() => 'ignored');
  const ours = messages.flatMap((message, index) => {
    const event = handler.decode(message);
    return event === null ? [] : [{ message, event, index, eventId: message.eventId ?? event.id }];
  });
  if (ours.length === 0) return outcomes;
  const effects: (() => void)[] = [];
  await withTransaction(binding.pool, async (client) => {
    const fresh = await recordInboxMany(
      client,
      binding.consumer,
      ours.map(({ message, eventId }) => ({
        eventId,
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
      })),
    );
    const outbox: OutboxMessage[] = [];
    for (const { message, event, index, eventId } of ours) {
      // delete: a second record with the same id in this batch is a redelivery too.
      if (!fresh.delete(eventId)) {
        outcomes[index] = 'skipped';
        logger.debug({ eventId }, 'event already handled; skipped');
        continue;
      }
      const tx: HandlerTransaction = {
        client,
        eventId,
        // The trace context is taken now, inside the record's own span, not when the batch writes the rows.
        publish: (...published) => void outbox.push(...published.map(withTraceparent)),
        afterCommit: (effect) => void effects.push(effect),
        logger: ours.length === 1 ? logger : logger.child({ offset: message.offset.toString(), eventId }),
      };
      await withRecordSpan(message, `handle ${eventTypeOf(message)}`, () =>
        handler.apply(event, tx, message),
      );
      outcomes[index] = 'applied';
    }
    await appendToOutbox(client, outbox);
  });
  runEffects(effects, logger);
  return outcomes;
}

/**
 * `message` with the trace context active now (unless it has one), and the active span marked as acting
 * on its order: what a handler's `publish` does, for work that publishes outside one (a periodic pass).
 */
export function withTraceparent(message: OutboxMessage): OutboxMessage {
  tagOrder(message.payload.orderId);
  return { ...message, traceparent: message.traceparent ?? currentTraceparent() };
}

function eventTypeOf(message: ConsumedMessage): string {
  const type = (message.value as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : message.topic;
}

/**
 * The consumer's filter for a transactional handler: a record is wanted if `decode` makes an event of it,
 * or throws (one of ours that breaks its schema: the handler call dead-letters it). Given a handler
 * wrapped in `decodingOnce`, as the kit does, the handler call takes the event decoded here.
 */
export function wantsOf<T extends IdentifiedEvent>(
  handler: TransactionalHandler<T>,
): (message: ConsumedMessage) => boolean {
  return (message) => {
    try {
      return handler.decode(message) !== null;
    } catch {
      return true;
    }
  };
}

/** `handler` with each message's decoded event kept for the message's lifetime. */
export function decodingOnce<T extends IdentifiedEvent>(
  handler: TransactionalHandler<T>,
): TransactionalHandler<T> {
  const decoded = new WeakMap<ConsumedMessage, T | null>();
  return {
    ...handler,
    decode: (message) => {
      if (decoded.has(message)) return decoded.get(message) ?? null;
      const event = handler.decode(message);
      decoded.set(message, event);
      return event;
    },
  };
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

/** The consumer's batch view of a transactional handler. */
export function asBatchHandler<T extends IdentifiedEvent>(
  handler: TransactionalHandler<T>,
  binding: InboxBinding,
): BatchHandler {
  return async (messages, context) => {
    await handleTransactionallyMany(handler, binding, messages, context.logger);
  };
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
