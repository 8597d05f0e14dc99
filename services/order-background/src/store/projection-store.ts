import { type Order, type OrderStatus, orderStatusSchema } from '@microshop/contracts';
import type { PoolClient } from '@microshop/platform';
import { unreachable } from '@microshop/platform/pure';
import type { ProjectionEvent, TimelineRow } from '../domain/projection.ts';
import type { SnapshotVersion } from '../domain/status.ts';

// Writes of the projection, each inside the caller's transaction (the one the kit opened for the event).

/**
 * Serialises the events of one order for the rest of the transaction, across instances: during a
 * rebalance two members may briefly handle the same partition, and read-decide-write must not
 * interleave. The lock is released at commit.
 */
export async function lockOrder(client: PoolClient, orderId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `order-background:${orderId}`,
  ]);
}

/** The version of the order's stored snapshot, or null if no event of it was seen yet. */
export async function readVersion(client: PoolClient, orderId: string): Promise<SnapshotVersion | null> {
  const result = await client.query<{ status: string; updated_at: Date }>(
    'SELECT status, updated_at FROM order_snapshots WHERE order_id = $1',
    [orderId],
  );
  const row = result.rows[0];
  if (row === undefined) return null;
  return { status: orderStatusSchema.parse(row.status), updatedAtMs: row.updated_at.getTime() };
}

/** What one event's projection writes, gathered from what `decide` said. */
interface ProjectionWrites {
  timeline: TimelineRow;
  snapshot: Order | null;
  /** DeadlineOpened: the status whose deadline opens (the others pending go). */
  opened: OrderStatus | null;
  /** DeadlinesCleared: the order ended; every pending deadline goes and a flag is resolved by it. */
  cleared: boolean;
}

function writesOf(events: readonly ProjectionEvent[]): ProjectionWrites {
  let timeline: TimelineRow | undefined;
  const writes: Omit<ProjectionWrites, 'timeline'> = { snapshot: null, opened: null, cleared: false };
  for (const event of events) {
    switch (event.type) {
      case 'StatusReached':
        timeline = event.entry;
        break;
      case 'SnapshotUpdated':
        writes.snapshot = event.order;
        break;
      case 'DeadlineOpened':
        writes.opened = event.status;
        break;
      case 'DeadlinesCleared':
        writes.cleared = true;
        break;
      default:
        unreachable(event);
    }
  }
  if (timeline === undefined) throw new Error('a projection always reaches a status');
  return { timeline, ...writes };
}

/**
 * Writes what `decide` said in one statement (one round trip instead of one per write): the timeline
 * entry (a status is reached once: a replay keeps the first entry), the snapshot, the deadlines (a
 * deadline already sent for its status stays sent: an expiry goes out once per (order, status); the
 * other pending ones go), the resolution of a flag. Answers the seconds from `stepFrom`'s entry to this
 * status's (null without `stepFrom` or its entry): the step's duration, read from the same timeline.
 * A deadline opened keeps `traceparent`, the trace the order reached its status in.
 */
export async function applyProjection(
  client: PoolClient,
  events: readonly ProjectionEvent[],
  { stepFrom, traceparent = '' }: { stepFrom?: OrderStatus | undefined; traceparent?: string } = {},
): Promise<number | null> {
  const { timeline: row, snapshot, opened, cleared } = writesOf(events);
  const result = await client.query<{ seconds: number | null }>({
    name: 'order-background-project',
    text: `WITH timeline AS (
         INSERT INTO order_timeline (order_id, status, status_rank, at, reasons, event_id)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (order_id, status) DO NOTHING
         RETURNING at
       ), snapshot AS (
         INSERT INTO order_snapshots (order_id, customer_id, status, status_rank, created_at, updated_at, snapshot)
         SELECT $1, (($7::jsonb)->>'customerId')::uuid, $2, $3, (($7::jsonb)->>'createdAt')::timestamptz, $4, $7::jsonb
         WHERE $7::jsonb IS NOT NULL
         ON CONFLICT (order_id) DO UPDATE SET
           status = excluded.status, status_rank = excluded.status_rank,
           updated_at = excluded.updated_at, snapshot = excluded.snapshot
       ), pending_gone AS (
         DELETE FROM order_deadlines
         WHERE ($8::text IS NOT NULL OR $9::boolean) AND order_id = $1 AND expiry_sent_at IS NULL
           AND ($8::text IS NULL OR status <> $8)
       ), opened AS (
         INSERT INTO order_deadlines (order_id, status, entered_at, traceparent)
         SELECT $1, $8, $4, $11 WHERE $8::text IS NOT NULL
         ON CONFLICT (order_id, status) DO NOTHING
       ), resolved AS (
         UPDATE order_attention SET resolved_at = $4, resolved_by = $2
         WHERE $9::boolean AND order_id = $1 AND resolved_at IS NULL
       )
       SELECT extract(epoch FROM coalesce(
           (SELECT at FROM timeline),
           (SELECT at FROM order_timeline WHERE order_id = $1 AND status = $2)
         ) - f.at)::float8 AS seconds
       FROM order_timeline f WHERE f.order_id = $1 AND f.status = $10`,
    values: [
      row.orderId,
      row.status,
      row.rank,
      row.at,
      JSON.stringify(row.reasons),
      row.eventId,
      snapshot === null ? null : JSON.stringify(snapshot),
      opened,
      cleared,
      stepFrom ?? null,
      traceparent,
    ],
  });
  const seconds = result.rows[0]?.seconds;
  return seconds === undefined || seconds === null ? null : Math.max(0, seconds);
}
