import type { OrderEvent, RoutedOrderEvent } from '@microshop/contracts';
import type { Logger, Pool, PoolClient } from '@microshop/platform';
import type { Awaited } from '../domain/emails.ts';
import { type FactKey, lockQueue, type ParkedEvent, unpark, updateWait } from '../store/parked-events.ts';
import { type EmailOptions, type QueuedEmail, queueOrderEmail } from './order-emails.ts';
import { type RoutingOptions, routeOrder } from './order-routing.ts';

/**
 * Taking an order event forward, whether it has just been consumed or was parked: routing, then the
 * email, each of which may have to wait for a fact from another topic. Waiting parks the event (see
 * README: "Parking"); its partition goes on. Each runs inside the caller's transaction.
 */

export interface OrderEventDeps {
  pool: Pool;
  /** The inbox's consumer name: the consumer group. */
  consumer: string;
  routing: RoutingOptions;
  /** Customer emails; without it only routing runs (the routing tests). */
  emails?: EmailOptions;
}

/** What one transaction did: the events routed and the emails queued, in order. */
export interface Progress {
  routed: RoutedOrderEvent[];
  emails: QueuedEmail[];
}

export function noProgress(): Progress {
  return { routed: [], emails: [] };
}

export type Step =
  | { kind: 'done' }
  /** `routed`: routing is done and only the email waits. */
  | { kind: 'wait'; routed: boolean; awaiting: Awaited; deadlineAt: Date };

/**
 * Routes the event unless it was routed before, then queues its email, as far as the facts allow.
 * What it did goes into `progress`; a wait says what for and until when.
 */
export async function advance(
  client: PoolClient,
  deps: Pick<OrderEventDeps, 'routing' | 'emails'>,
  item: { event: OrderEvent; eventId: string; routed: boolean },
  logger: Logger,
  progress: Progress,
): Promise<Step> {
  if (!item.routed) {
    const route = await routeOrder(client, deps.routing, item.event, logger);
    if (route.kind === 'wait') {
      return { kind: 'wait', routed: false, awaiting: route.awaiting, deadlineAt: route.deadlineAt };
    }
    progress.routed.push(route.routed);
  }
  if (deps.emails === undefined) return { kind: 'done' };
  const email = await queueOrderEmail(client, deps.emails, item.event, item.eventId, logger);
  if (email.kind === 'wait') {
    return { kind: 'wait', routed: true, awaiting: email.awaiting, deadlineAt: email.deadlineAt };
  }
  if (email.kind === 'queued') progress.emails.push(email.email);
  return { kind: 'done' };
}

/**
 * Takes the order's parked events up again, in their order, against the facts as they are now: each
 * one that no longer waits is done and leaves the parking; the first that still waits stops the queue
 * (the events behind it wait for it). Called when a fact arrives and when a wait is over.
 */
export async function takeUpOrder(
  client: PoolClient,
  deps: Pick<OrderEventDeps, 'routing' | 'emails'>,
  orderId: string,
  logger: Logger,
  progress: Progress,
): Promise<void> {
  const queue: ParkedEvent[] = await lockQueue(client, orderId);
  for (const item of queue) {
    const step = await advance(client, deps, item, logger, progress);
    if (step.kind === 'wait') {
      await updateWait(client, item.seq, step);
      return;
    }
    await unpark(client, item.seq);
  }
}

/** The fact a wait is for: the customer, or (tracking number, refund) the order's own facts. */
export function factAwaited(event: OrderEvent, awaiting: Awaited): FactKey {
  return awaiting === 'customer' ? { customerId: event.customerId } : { orderId: event.orderId };
}
