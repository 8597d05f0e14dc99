import { type Order, type OrderStatus, orderStatusSchema } from '@microshop/contracts';
import type { PoolClient } from '@microshop/platform';
import { unreachable } from '@microshop/platform/pure';
import type { ProjectionEvent, TimelineRow } from '../domain/projection.ts';
import { type SnapshotVersion, statusRank } from '../domain/status.ts';
import { resolveFlag } from './attention-store.ts';

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

/** Writes what `decide` said, in its order: timeline entry, snapshot, deadlines. */
export async function applyProjection(client: PoolClient, events: readonly ProjectionEvent[]): Promise<void> {
  for (const event of events) await applyOne(client, event);
}

async function applyOne(client: PoolClient, event: ProjectionEvent): Promise<void> {
  switch (event.type) {
    case 'StatusReached':
      return insertTimelineRow(client, event.entry);
    case 'SnapshotUpdated':
      return upsertSnapshot(client, event.order);
    case 'DeadlineOpened':
      await deletePendingDeadlines(client, event.orderId, event.status);
      // A deadline already sent for this status stays sent: an expiry goes out once per (order, status).
      await client.query(
        `INSERT INTO order_deadlines (order_id, status, entered_at) VALUES ($1, $2, $3)
         ON CONFLICT (order_id, status) DO NOTHING`,
        [event.orderId, event.status, event.enteredAt],
      );
      return;
    case 'DeadlinesCleared':
      await deletePendingDeadlines(client, event.orderId, null);
      return resolveFlag(client, event.orderId, event.status, event.at);
    default:
      return unreachable(event);
  }
}

async function upsertSnapshot(client: PoolClient, order: Order): Promise<void> {
  await client.query(
    `INSERT INTO order_snapshots (order_id, customer_id, status, status_rank, created_at, updated_at, snapshot)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (order_id) DO UPDATE SET
       status = excluded.status, status_rank = excluded.status_rank,
       updated_at = excluded.updated_at, snapshot = excluded.snapshot`,
    [
      order.id,
      order.customerId,
      order.status,
      statusRank(order.status),
      order.createdAt,
      order.updatedAt,
      JSON.stringify(order),
    ],
  );
}

/** A status is reached once: a second event announcing it (a replay) keeps the first entry. */
async function insertTimelineRow(client: PoolClient, row: TimelineRow): Promise<void> {
  await client.query(
    `INSERT INTO order_timeline (order_id, status, status_rank, at, reasons, event_id)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (order_id, status) DO NOTHING`,
    [row.orderId, row.status, row.rank, row.at, JSON.stringify(row.reasons), row.eventId],
  );
}

/** Seconds between the order entering `from` and entering `to`, by its timeline; null if either is missing. */
export async function stepSeconds(
  client: PoolClient,
  orderId: string,
  from: OrderStatus,
  to: OrderStatus,
): Promise<number | null> {
  const result = await client.query<{ seconds: number | null }>(
    `SELECT extract(epoch FROM t.at - f.at)::float8 AS seconds
     FROM order_timeline f JOIN order_timeline t ON t.order_id = f.order_id
     WHERE f.order_id = $1 AND f.status = $2 AND t.status = $3`,
    [orderId, from, to],
  );
  const seconds = result.rows[0]?.seconds;
  return seconds === undefined || seconds === null ? null : Math.max(0, seconds);
}

/** Pending (unsent) deadlines of the order, except the one of `keep`; sent ones stay as the record. */
async function deletePendingDeadlines(
  client: PoolClient,
  orderId: string,
  keep: OrderStatus | null,
): Promise<void> {
  await client.query(
    `DELETE FROM order_deadlines
     WHERE order_id = $1 AND expiry_sent_at IS NULL AND ($2::text IS NULL OR status <> $2)`,
    [orderId, keep],
  );
}
