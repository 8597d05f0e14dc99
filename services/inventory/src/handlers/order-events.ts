import {
  type OrderEvent,
  type OrderEventType,
  orderEventSchema,
  orderEventTypes,
} from '@microshop/contracts';
import {
  type ConsumedMessage,
  eventTypeOf,
  type HandleOnceResult,
  handleOnce,
  inboxMessageOf,
  type MessageHandler,
  type Pool,
  parseEvent,
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
      context.logger.debug({ type: eventTypeOf(message.value) }, 'not an event inventory acts on; skipped');
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
  const delivery = inboxMessageOf(message, event.id);
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
  const type = eventTypeOf(message.value);
  if (type === undefined || !isOrderEventType(type)) return null;
  const reaction = reactionTo(type);
  if (reaction === null) return null;
  return { event: parseEvent(orderEventSchema, message.value, type), reaction };
}

function isOrderEventType(type: string): type is OrderEventType {
  return (orderEventTypes as readonly string[]).includes(type);
}
