import { type OrderEvent, orderEventSchema } from '@microshop/contracts';
import type { PoolClient } from '@microshop/platform';
import type { Awaited } from '../domain/emails.ts';

// The parked order events (`parked_events`), inside the caller's transaction. An order's events form
// a queue (by `seq`): whoever takes it up locks its rows in that order, so two of them never wait for
// each other's rows in a cycle.

/** What a parked event waits for: a fact, or an earlier parked event of its order. */
export type ParkedAwaiting = Awaited | 'earlier';

export interface ParkedEvent {
  seq: string;
  event: OrderEvent;
  eventId: string;
  routed: boolean;
  /** The trace the event was parked in ('' outside one). */
  traceparent: string;
}

export interface Parking {
  event: OrderEvent;
  eventId: string;
  routed: boolean;
  awaiting: ParkedAwaiting;
  /** Null for an event behind an earlier one of its order. */
  deadlineAt: Date | null;
  /** The trace the event is parked in ('' outside one): it goes on in it when taken up. */
  traceparent: string;
}

/** Parks the event; false if it is parked already (the same event id). */
export async function parkEvent(client: PoolClient, parking: Parking): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO parked_events
       (event_id, order_id, customer_id, event, routed, awaiting, deadline_at, traceparent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (event_id) DO NOTHING`,
    [
      parking.eventId,
      parking.event.orderId,
      parking.event.customerId,
      JSON.stringify(parking.event),
      parking.routed,
      parking.awaiting,
      parking.deadlineAt,
      parking.traceparent,
    ],
  );
  return result.rowCount === 1;
}

/** Locks the order's parked events and returns them in queue order (empty: nothing parked). */
export async function lockQueue(client: PoolClient, orderId: string): Promise<ParkedEvent[]> {
  const result = await client.query<{
    seq: string;
    event: unknown;
    event_id: string;
    routed: boolean;
    traceparent: string;
  }>(
    `SELECT seq, event, event_id, routed, traceparent FROM parked_events WHERE order_id = $1
     ORDER BY seq FOR UPDATE`,
    [orderId],
  );
  return result.rows.map((row) => ({
    seq: row.seq,
    event: orderEventSchema.parse(row.event),
    eventId: row.event_id,
    routed: row.routed,
    traceparent: row.traceparent,
  }));
}

/**
 * Locks every parked event of the customer's orders (by order, then queue order) and returns the
 * orders whose queue now waits for the customer. All of them, not only those awaiting the customer
 * when this looks: a queue being taken up meanwhile may start waiting for the customer when it
 * commits, and the lock makes this wait for that and see it.
 */
export async function lockQueuesAwaitingCustomer(client: PoolClient, customerId: string): Promise<string[]> {
  const result = await client.query<{ order_id: string; awaiting: string }>(
    `SELECT order_id, awaiting FROM parked_events WHERE customer_id = $1 ORDER BY order_id, seq FOR UPDATE`,
    [customerId],
  );
  const waiting = result.rows.filter((row) => row.awaiting === 'customer').map((row) => row.order_id);
  return [...new Set(waiting)];
}

/**
 * Locks up to `limit` parked events whose wait is over at `now` (the heads of their queues), oldest
 * first, and returns their orders. `SKIP LOCKED`: several loops (instances) each take what the others
 * are not holding, and a queue taken up meanwhile no longer matches.
 */
export async function lockOverdue(client: PoolClient, now: Date, limit: number): Promise<string[]> {
  const result = await client.query<{ order_id: string }>(
    `SELECT order_id FROM parked_events WHERE deadline_at <= $1
     ORDER BY deadline_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return [...new Set(result.rows.map((row) => row.order_id))];
}

/** The queue's head still waits: for what, until when, and whether it has been routed meanwhile. */
export async function updateWait(
  client: PoolClient,
  seq: string,
  wait: { routed: boolean; awaiting: Awaited; deadlineAt: Date },
): Promise<void> {
  await client.query('UPDATE parked_events SET routed = $2, awaiting = $3, deadline_at = $4 WHERE seq = $1', [
    seq,
    wait.routed,
    wait.awaiting,
    wait.deadlineAt,
  ]);
}

export async function unpark(client: PoolClient, seq: string): Promise<void> {
  await client.query('DELETE FROM parked_events WHERE seq = $1', [seq]);
}

/**
 * Advisory locks on what an event can wait for (`customer:<id>`, `order:<id>` for its tracking number
 * and refunds), per schema. They close the gap between an event that finds a fact missing and parks
 * itself, and the fact that looks for the events waiting for it: each could otherwise miss the other's
 * uncommitted row, and the event would wait for its whole grace period although the fact is here.
 */
export type FactKey = { customerId: string } | { orderId: string };

const lockKey = `hashtextextended(current_schema() || ':' || $1, 0)`;

function keyOf(fact: FactKey): string {
  return 'customerId' in fact ? `customer:${fact.customerId}` : `order:${fact.orderId}`;
}

/** Taken by an event about to park for `fact`, before it looks again: shared, events never wait for each other. */
export async function lockFactShared(client: PoolClient, fact: FactKey): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock_shared(${lockKey})`, [keyOf(fact)]);
}

/** Taken by a fact before it is written and the events waiting for it are looked up: exclusive, one per transaction. */
export async function lockFactExclusive(client: PoolClient, fact: FactKey): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(${lockKey})`, [keyOf(fact)]);
}
