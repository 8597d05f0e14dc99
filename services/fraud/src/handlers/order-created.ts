import { randomUUID } from 'node:crypto';
import { type OrderCreatedEvent, orderValidationEvent, type TopicName } from '@microshop/contracts';
import {
  decodeOrderCreated,
  type HandlerTransaction,
  outboxMessage,
  type TransactionalHandler,
  transactional,
} from '@microshop/platform';
import { decide, evolve, type SessionRules } from '../domain/session.ts';
import {
  isCounted,
  lockCurrentSession,
  recordCountedOrder,
  saveCurrentSession,
} from '../store/session-store.ts';

/**
 * The consumer of `microshop.order-outbox`: each OrderCreated is counted into its customer's session
 * and judged. The kit runs it in one transaction with the inbox row; the session, the counted order
 * and the OrderValidation outbox row commit with it, so a redelivery changes nothing and sends nothing.
 */

export interface JudgeOrdersOptions {
  rules: SessionRules;
  /** Where verdicts go: `microshop.order-validations` (tests use their own). */
  validationsTopic: TopicName;
  now?: () => Date;
  newId?: () => string;
}

export function judgeOrders(options: JudgeOrdersOptions): TransactionalHandler<OrderCreatedEvent> {
  return transactional({
    decode: decodeOrderCreated,
    apply: (event, tx) => judgeOrder(tx, options, event),
  });
}

async function judgeOrder(tx: HandlerTransaction, options: JudgeOrdersOptions, event: OrderCreatedEvent) {
  const { order } = event;
  // Lock first, then look: a second announcement of the order waits here and then sees it counted.
  const current = await lockCurrentSession(tx.client, order.customerId, order.currency);
  if (await isCounted(tx.client, order.id)) {
    tx.logger.debug({ orderId: order.id }, 'order already counted; nothing sent');
    return;
  }
  for (const counted of decide({ type: 'CountOrder', order }, current, options.rules)) {
    const session = evolve(current, counted);
    await saveCurrentSession(tx.client, session, current !== null);
    await recordCountedOrder(tx.client, {
      orderId: order.id,
      eventId: tx.eventId,
      createdAt: new Date(order.createdAt),
      amount: order.total,
      session,
      verdict: counted.verdict,
    });
    const validation = orderValidationEvent('FRAUD', order.id, counted.verdict, {
      id: (options.newId ?? randomUUID)(),
      at: (options.now ?? (() => new Date()))(),
    });
    tx.publish(outboxMessage(validation, { topic: options.validationsTopic, key: order.id }));
    tx.logger.info(
      { orderId: order.id, result: validation.result, sessionTotal: session.total },
      'order judged',
    );
  }
}
