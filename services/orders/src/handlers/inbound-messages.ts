import {
  type OrdersInboundMessage,
  type OrdersInboundMessageType,
  ordersInboundMessageSchema,
  ordersInboundMessageTypes,
} from '@microshop/contracts';
import {
  type ConsumedMessage,
  eventTypeOf,
  handleOnce,
  inboxMessageOf,
  type MessageHandler,
  validationFailed,
  zodIssuesToFieldErrors,
} from '@microshop/platform';
import type pg from 'pg';
import { type ChangeResult, type CommandDeps, changeOrder } from '../application/order-commands.ts';
import type { OrderCommand } from '../domain/order.ts';

// What the orders service does with a consumed message: validation decisions, payment results,
// shipment updates and the watchdog's ExpireOrder each move the order through the one use case
// `changeOrder`, inside `handleOnce` so a redelivered event changes nothing.

export interface OrderMessageDeps {
  pool: pg.Pool;
  commands: CommandDeps;
  /** The inbox's consumer name: the consumer group. */
  consumer: string;
}

export function createOrderMessageHandler(deps: OrderMessageDeps): MessageHandler {
  return async (message, context) => {
    const inbound = parseInbound(message);
    if (inbound === null) {
      context.logger.debug(
        { type: eventTypeOf(message.value) },
        'not a message for the orders service; skipped',
      );
      return;
    }
    const entry = inboxMessageOf(message, inbound.id);
    const outcome = await handleOnce(deps.pool, deps.consumer, entry, (client) =>
      changeOrder(client, deps.commands, toCommand(inbound, deps.commands.now())),
    );
    if (outcome.status === 'skipped') {
      context.logger.info({ type: inbound.type }, 'event already handled; skipped');
      return;
    }
    logResult(context.logger, inbound, outcome.result);
  };
}

/**
 * The message as a contract type, or null for a type this service does not handle on these
 * topics (refunds share microshop.payments). Anything unparseable throws a non-retriable
 * VALIDATION_FAILED, which sends it to the dead-letter topic: retrying cannot fix its bytes.
 */
export function parseInbound(message: Pick<ConsumedMessage, 'value'>): OrdersInboundMessage | null {
  const type = eventTypeOf(message.value);
  if (type === undefined) {
    throw validationFailed([{ field: 'type', rule: 'required', message: 'a message needs a string type' }]);
  }
  if (!isHandled(type)) return null;
  const parsed = ordersInboundMessageSchema.safeParse(message.value);
  if (!parsed.success) throw validationFailed(zodIssuesToFieldErrors(parsed.error.issues, message.value));
  return parsed.data;
}

export function toCommand(
  message: OrdersInboundMessage,
  now: Date,
): Exclude<OrderCommand, { type: 'CreateOrder' | 'CancelOrder' }> {
  switch (message.type) {
    case 'OrderValidated':
    case 'OrderRejected':
      return { type: 'ApplyValidationDecision', message, now };
    case 'PaymentSucceeded':
    case 'PaymentFailed':
      return { type: 'ApplyPaymentResult', message, now };
    case 'ShipmentDispatched':
    case 'ShipmentDelivered':
      return { type: 'ApplyShipment', message, now };
    case 'ExpireOrder':
      return { type: 'ExpireOrder', message, now };
    default:
      return unreachable(message);
  }
}

function logResult(
  logger: Parameters<MessageHandler>[1]['logger'],
  message: OrdersInboundMessage,
  result: ChangeResult,
): void {
  const fields = { type: message.type, orderId: message.orderId, status: result.order.status };
  if (result.outcome === 'applied') logger.info(fields, 'order changed');
  // A late or duplicate fact is normal in a choreography: recorded as handled, nothing changes.
  else logger.info({ ...fields, reason: result.reason, detail: result.detail }, 'message changes nothing');
}

function isHandled(type: string): type is OrdersInboundMessageType {
  return (ordersInboundMessageTypes as readonly string[]).includes(type);
}

function unreachable(value: never): never {
  throw new Error(`unhandled inbound message ${JSON.stringify(value)}`);
}
