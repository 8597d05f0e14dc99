import { randomUUID } from 'node:crypto';
import {
  type Order,
  type OrderValidationEvent,
  orderValidationEvent,
  type TopicName,
} from '@microshop/contracts';
import { appendToOutbox, outboxMessage, type PoolClient } from '@microshop/platform';
import { type DetailsVerdict, decideOrderDetails, missingReferencesOf } from '../domain/checks.ts';
import { recordCheck } from '../store/check-store.ts';
import { type ParkedOrder, unpark, updateMissing } from '../store/pending-store.ts';
import { loadReferences } from '../store/reference-store.ts';

/**
 * Giving an order its verdict, from wherever it is decided: the order consumer (all references known
 * at once), the reference consumer (the copy a parked order waited for has arrived) and the deadline
 * loop (a parked order's time is up). Each runs inside the caller's transaction.
 */

export interface VerdictOptions {
  /** Where verdicts go: `microshop.order-validations` (tests use their own). */
  validationsTopic: TopicName;
  now?: () => Date;
  newId?: () => string;
}

/**
 * Takes the order out of the parking, records its verdict and writes the OrderValidation to the outbox;
 * null if the order had a verdict already (nothing is sent twice). The parked row is deleted first, so
 * every path locks `pending_checks` before `order_checks` and two of them never wait for each other.
 */
export async function sendVerdict(
  client: PoolClient,
  options: VerdictOptions,
  check: { order: Pick<Order, 'id' | 'customerId'>; verdict: DetailsVerdict; eventId: string },
  now: Date,
): Promise<OrderValidationEvent | null> {
  const { order, verdict } = check;
  await unpark(client, order.id);
  const recorded = await recordCheck(client, {
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
  await appendToOutbox(client, [
    outboxMessage(validation, { topic: options.validationsTopic, key: order.id }),
  ]);
  return validation;
}

/**
 * Looks again at parked orders the caller has locked, against the copies as they are now: an order
 * whose references are all known, or whose deadline has passed at `now`, gets its verdict and leaves
 * the parking; the others keep waiting for what is still missing. Returns the verdicts sent.
 */
export async function recheckParked(
  client: PoolClient,
  options: VerdictOptions,
  parked: readonly ParkedOrder[],
  now: Date,
): Promise<OrderValidationEvent[]> {
  const sent: OrderValidationEvent[] = [];
  for (const { order, eventId, deadlineAt } of parked) {
    const references = await loadReferences(
      client,
      order.customerId,
      order.items.map((item) => item.sku),
    );
    const decision = decideOrderDetails(order, references, { deadline: deadlineAt, now });
    if (decision.kind === 'wait') {
      await updateMissing(client, order.id, missingReferencesOf(decision.unknown));
      continue;
    }
    const validation = await sendVerdict(client, options, { order, verdict: decision.verdict, eventId }, now);
    if (validation !== null) sent.push(validation);
  }
  return sent;
}
