import { randomUUID } from 'node:crypto';
import {
  type Order,
  type OrderValidationEvent,
  orderValidationEvent,
  type TopicName,
} from '@microshop/contracts';
import { type HandlerTransaction, outboxMessage, withStoredTrace } from '@microshop/platform';
import { decide } from '../domain/check.ts';
import type { DetailsVerdict } from '../domain/rules.ts';
import { recordCheck } from '../store/check-store.ts';
import { type ParkedOrder, unpark, updateMissing } from '../store/pending-store.ts';
import { loadReferences } from '../store/reference-store.ts';

/**
 * Giving an order its verdict, from wherever it is decided: the order consumer (all references known
 * at once), the reference consumer (the copy a parked order waited for has arrived) and the deadline
 * loop (a parked order's time is up). Each runs inside the caller's transaction and publishes
 * through its outbox.
 */

export interface VerdictOptions {
  /** Where verdicts go: `microshop.order-validations` (tests use their own). */
  validationsTopic: TopicName;
  now?: () => Date;
  newId?: () => string;
}

/** The caller's transaction: a consumer's (the kit's) or the deadline loop's own. */
export type VerdictTransaction = Pick<HandlerTransaction, 'client' | 'publish'>;

/**
 * Takes the order out of the parking, records its verdict and publishes the OrderValidation; null if
 * the order had a verdict already (nothing is sent twice). The parked row is deleted first, so every
 * path locks `pending_checks` before `order_checks` and two of them never wait for each other.
 */
export async function sendVerdict(
  tx: VerdictTransaction,
  options: VerdictOptions,
  check: { order: Pick<Order, 'id' | 'customerId'>; verdict: DetailsVerdict; eventId: string },
  now: Date,
): Promise<OrderValidationEvent | null> {
  const { order, verdict } = check;
  await unpark(tx.client, order.id);
  const recorded = await recordCheck(tx.client, {
    orderId: order.id,
    customerId: order.customerId,
    verdict,
    eventId: check.eventId,
  });
  if (!recorded) return null;
  const validation = orderValidationEvent('ORDER_DETAILS', order.id, verdict, {
    id: (options.newId ?? randomUUID)(),
    at: now,
  });
  tx.publish(outboxMessage(validation, { topic: options.validationsTopic, key: order.id }));
  return validation;
}

/**
 * Checks again parked orders the caller has locked, against the copies as they are now: an order
 * whose references are all known, or whose deadline has passed at `now`, gets its verdict and leaves
 * the parking; the others keep waiting for what is still missing. Each is checked in a span of the
 * trace it was parked in (linked to what set the check off), so its verdict goes on in the order's
 * trace. Returns the verdicts sent.
 */
export async function recheckParked(
  tx: VerdictTransaction,
  options: VerdictOptions,
  parked: readonly ParkedOrder[],
  now: Date,
): Promise<OrderValidationEvent[]> {
  const sent: OrderValidationEvent[] = [];
  for (const parkedOrder of parked) {
    const verdicts = await withStoredTrace(parkedOrder.traceparent, 'recheck parked order', () =>
      recheckOne(tx, options, parkedOrder, now),
    );
    sent.push(...verdicts);
  }
  return sent;
}

async function recheckOne(
  tx: VerdictTransaction,
  options: VerdictOptions,
  { order, eventId, deadlineAt }: ParkedOrder,
  now: Date,
): Promise<OrderValidationEvent[]> {
  const skus = order.items.map((item) => item.sku);
  const references = await loadReferences(tx.client, order.customerId, skus);
  const command = { type: 'RecheckOrder', order, references, now } as const;
  const sent: OrderValidationEvent[] = [];
  for (const event of decide(command, { status: 'parked', deadline: deadlineAt })) {
    if (event.type === 'CheckDeferred') {
      await updateMissing(tx.client, order.id, event.missing);
      continue;
    }
    const validation = await sendVerdict(tx, options, { order, verdict: event.verdict, eventId }, now);
    if (validation !== null) sent.push(validation);
  }
  return sent;
}
