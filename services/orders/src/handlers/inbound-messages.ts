import {
  type OrdersInboundMessage,
  type OrdersInboundMessageType,
  ordersInboundMessageSchema,
  ordersInboundMessageTypes,
} from '@microshop/contracts';
import {
  type ConsumedMessage,
  eventTypeOf,
  type Logger,
  type TransactionalHandler,
  transactional,
  validationFailed,
  zodIssuesToFieldErrors,
} from '@microshop/platform';
import { unreachable } from '@microshop/platform/pure';
import { type ChangeCommand, type ChangeResult, type CommandDeps, changeOrder } from './change-order.ts';

// The consumer of everything that moves an order: validation decisions, payment results, shipment
// updates and the watchdog's ExpireOrder each go through the one use case `changeOrder`. The kit runs
// each in one transaction with its inbox row, so a redelivered event changes nothing.

export function moveOrders(deps: CommandDeps): TransactionalHandler<OrdersInboundMessage> {
  return transactional({
    decode: parseInbound,
    apply: async (message, tx) => {
      const result = await changeOrder(tx, deps, toCommand(message, deps.now()));
      logResult(tx.logger, message, result);
    },
  });
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
): Exclude<ChangeCommand, { type: 'CancelOrder' }> {
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

function logResult(logger: Logger, message: OrdersInboundMessage, result: ChangeResult): void {
  const fields = { type: message.type, orderId: message.orderId, status: result.order.status };
  if (result.outcome === 'applied') logger.info(fields, 'order changed');
  // A late or duplicate fact is normal in a choreography: recorded as handled, nothing changes.
  else logger.info({ ...fields, reason: result.reason, detail: result.detail }, 'message changes nothing');
}

function isHandled(type: string): type is OrdersInboundMessageType {
  return (ordersInboundMessageTypes as readonly string[]).includes(type);
}
