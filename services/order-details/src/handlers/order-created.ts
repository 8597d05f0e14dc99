import type { Order, OrderCreatedEvent } from '@microshop/contracts';
import {
  currentTraceparent,
  decodeOrderCreated,
  type HandlerTransaction,
  type TransactionalHandler,
  transactional,
} from '@microshop/platform';
import { type CheckCommand, type CheckEvent, decide } from '../domain/check.ts';
import { describeFailure } from '../domain/rules.ts';
import { hasCheck } from '../store/check-store.ts';
import { parkOrder } from '../store/pending-store.ts';
import { loadReferences, lockReferencesShared } from '../store/reference-store.ts';
import { sendVerdict, type VerdictOptions } from './verdicts.ts';

/**
 * The consumer of `microshop.order-outbox`: each OrderCreated is checked against the copies of
 * customers and catalog. If they know every reference, the verdict row and its OrderValidation
 * outbox row commit in the kit's transaction with the inbox row. If a customer or sku is unknown
 * before the order's deadline, the order is parked in `pending_checks` in that same transaction and
 * the handler returns: the partition goes on at once, and the verdict comes later from the reference
 * consumer (the copy arrived) or the deadline loop (it did not). See README: "Parking".
 */

export interface CheckOrdersOptions extends VerdictOptions {
  graceMs: number;
}

export function checkOrders(options: CheckOrdersOptions): TransactionalHandler<OrderCreatedEvent> {
  return transactional({
    decode: decodeOrderCreated,
    apply: (event, tx) => checkOrder(tx, options, event),
  });
}

async function checkOrder(tx: HandlerTransaction, options: CheckOrdersOptions, event: OrderCreatedEvent) {
  const { order } = event;
  const now = (options.now ?? (() => new Date()))();
  const decided = await decideCheck(tx, options, order, now);
  if (decided?.type === 'CheckDeferred') {
    const { missing, deadline, unknown } = decided;
    const traceparent = currentTraceparent();
    await parkOrder(tx.client, { order, eventId: tx.eventId, missing, deadlineAt: deadline, traceparent });
    const waitingFor = unknown.map(describeFailure).join('; ');
    tx.logger.info(
      { orderId: order.id, waitingFor, deadlineAt: deadline },
      'order parked until its references are copied or its deadline passes',
    );
    return;
  }
  const validation =
    decided === undefined
      ? null
      : await sendVerdict(tx, options, { order, verdict: decided.verdict, eventId: tx.eventId }, now);
  if (validation === null) {
    tx.logger.debug({ orderId: order.id }, 'order already checked; nothing sent');
    return;
  }
  const { result, reason } = validation;
  tx.logger.info({ orderId: order.id, result, reason }, 'order details checked');
}

/**
 * The check of a new order against the copies. Before deciding to park it, what is missing is
 * locked and looked at again, so a copy committing meanwhile is either seen now or, if it commits
 * after us, finds this order parked (see lockReferencesShared). Undefined: judged already.
 */
async function decideCheck(
  tx: HandlerTransaction,
  options: CheckOrdersOptions,
  order: Order,
  now: Date,
): Promise<CheckEvent | undefined> {
  const skus = order.items.map((item) => item.sku);
  const references = await loadReferences(tx.client, order.customerId, skus);
  const command: CheckCommand = { type: 'CheckOrder', order, references, graceMs: options.graceMs, now };
  const [first] = decide(command, { status: 'new' });
  if (first?.type !== 'CheckDeferred') return first;
  await lockReferencesShared(tx.client, {
    ...(first.missing.customer ? { customerId: order.customerId } : {}),
    skus: first.missing.skus,
  });
  const again = await loadReferences(tx.client, order.customerId, skus);
  // The same order under another event id, after its verdict: not parked again, nothing sent.
  const checked = await hasCheck(tx.client, order.id);
  const [second] = decide({ ...command, references: again }, { status: checked ? 'checked' : 'new' });
  return second;
}
