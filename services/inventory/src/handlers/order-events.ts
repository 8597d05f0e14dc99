import {
  type OrderEvent,
  type OrderEventType,
  orderEventSchema,
  orderEventTypes,
} from '@microshop/contracts';
import {
  type ConsumedMessage,
  type HandleOnceResult,
  handleOnce,
  type MessageHandler,
  type Pool,
  validationFailed,
  zodIssuesToFieldErrors,
} from '@microshop/platform';
import { type Reaction, reactionTo } from '../domain/events.ts';
import type { Publishing } from '../store/outbox-events.ts';
import { type ReserveResult, reserveOrder, type SettleResult, settleOrder } from './reactions.ts';

/**
 * The Kafka handler of `microshop.order-outbox` (consumer group `inventory`): OrderCreated reserves
 * stock and answers with the INVENTORY verdict; OrderApproved commits the reservation; OrderFailed
 * and OrderCancelled release it. Each event is handled in one transaction with its inbox row.
 */

export interface OrderEventHandlerOptions {
  pool: Pool;
  /** The inbox's consumer name: the consumer group. */
  consumer: string;
  publishing: Publishing;
}

export type ReactionResult =
  | ({ reaction: 'reserve' } & ReserveResult)
  | ({ reaction: 'settle' } & SettleResult);

/** An order event inventory acts on, with what it asks for. */
export interface RelevantEvent {
  event: OrderEvent;
  reaction: Reaction;
}

export function createOrderEventHandler(options: OrderEventHandlerOptions): MessageHandler {
  return async (message, context) => {
    const relevant = decodeOrderEvent(message);
    if (relevant === null) {
      context.logger.debug({ type: typeOf(message.value) }, 'not an event inventory acts on; skipped');
      return;
    }
    const outcome = await handleOrderEvent(options, message, relevant);
    context.logger.debug(
      { orderId: relevant.event.orderId, type: relevant.event.type, outcome },
      'order event handled',
    );
  };
}

/** Applies the event once per consumer: inbox row, stock changes and outbox rows commit together. */
export function handleOrderEvent(
  options: OrderEventHandlerOptions,
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  { event, reaction }: RelevantEvent,
): Promise<HandleOnceResult<ReactionResult>> {
  const delivery = {
    eventId: message.eventId ?? event.id,
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
  };
  return handleOnce(options.pool, options.consumer, delivery, async (client): Promise<ReactionResult> => {
    if (reaction.kind === 'reserve') {
      return { reaction: 'reserve', ...(await reserveOrder(client, options.publishing, event.order)) };
    }
    const settled = await settleOrder(client, options.publishing, event.orderId, reaction.settlement);
    return { reaction: 'settle', ...settled };
  });
}

/**
 * The event and its reaction; null for a tombstone, an unknown `type`, or a status inventory does
 * not act on (skipped without parsing). A type it acts on that breaks its schema is a non-retriable
 * error: the consumer parks it on the dead-letter topic.
 */
export function decodeOrderEvent(message: Pick<ConsumedMessage, 'value'>): RelevantEvent | null {
  const type = typeOf(message.value);
  if (type === undefined || !isOrderEventType(type)) return null;
  const reaction = reactionTo(type);
  if (reaction === null) return null;
  const parsed = orderEventSchema.safeParse(message.value);
  if (parsed.success) return { event: parsed.data, reaction };
  throw validationFailed(
    zodIssuesToFieldErrors(parsed.error.issues, message.value, '(value)'),
    `${type} event does not match its schema`,
  );
}

function typeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('type' in value)) return undefined;
  return typeof value.type === 'string' ? value.type : undefined;
}

function isOrderEventType(type: string): type is OrderEventType {
  return (orderEventTypes as readonly string[]).includes(type);
}
