import type { OrderValidationEvent, ValidationResult } from '@microshop/contracts';
import type { Pool, PoolClient } from '@microshop/platform';
import {
  type HeldReservation,
  isReservationState,
  type LineMove,
  type LineReservation,
  type ReservationState,
} from '../domain/stock.ts';

// The per-order tables: the one verdict per order (order_checks) and its reserved lines
// (reservations). Writes run in the caller's transaction, after lockOrder.

/**
 * Serialises the events of one order for the rest of the transaction, across instances: during a
 * rebalance two members may briefly handle the same partition, and read-decide-write must not
 * interleave. Always taken before any product lock, never after, so locks cannot form a cycle.
 */
export async function lockOrder(client: PoolClient, orderId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`inventory:${orderId}`]);
}

/** The verdict already given on the order, or null if it was never checked. */
export async function findCheck(client: PoolClient, orderId: string): Promise<ValidationResult | null> {
  const result = await client.query<{ result: ValidationResult }>(
    'SELECT result FROM order_checks WHERE order_id = $1',
    [orderId],
  );
  return result.rows[0]?.result ?? null;
}

export async function recordCheck(client: PoolClient, event: OrderValidationEvent, at: Date): Promise<void> {
  await client.query(
    `INSERT INTO order_checks (order_id, result, reason, event_id, checked_at) VALUES ($1, $2, $3, $4, $5)`,
    [event.orderId, event.result, event.reason, event.id, at],
  );
}

export async function insertReservations(
  client: PoolClient,
  orderId: string,
  lines: readonly LineReservation[],
  at: Date,
): Promise<void> {
  if (lines.length === 0) return;
  await client.query(
    `INSERT INTO reservations (order_id, line, sku, quantity, state, created_at, updated_at)
     SELECT $1, line, sku, quantity, 'RESERVED', $5, $5
     FROM unnest($2::int[], $3::text[], $4::bigint[]) AS r(line, sku, quantity)`,
    [orderId, lines.map((l) => l.line), lines.map((l) => l.sku), lines.map((l) => l.quantity), at],
  );
}

interface ReservationRow {
  line: number;
  sku: string;
  quantity: string;
  state: string;
}

/** The order's reservations in line order; empty for an order that never reserved anything. */
export async function readReservations(client: PoolClient, orderId: string): Promise<HeldReservation[]> {
  const result = await client.query<ReservationRow>(
    'SELECT line, sku, quantity, state FROM reservations WHERE order_id = $1 ORDER BY line',
    [orderId],
  );
  return result.rows.map((row) => ({
    line: row.line,
    sku: row.sku,
    quantity: Number(row.quantity),
    state: stateOf(row.state),
  }));
}

export async function moveReservations(
  client: PoolClient,
  orderId: string,
  moves: readonly LineMove[],
  at: Date,
): Promise<void> {
  if (moves.length === 0) return;
  // `from` guards the move: a row that is no longer where the plan saw it is left alone.
  await client.query(
    `UPDATE reservations AS r SET state = m.state, updated_at = $5
     FROM unnest($2::int[], $3::text[], $4::text[]) AS m(line, from_state, state)
     WHERE r.order_id = $1 AND r.line = m.line AND r.state = m.from_state`,
    [orderId, moves.map((m) => m.line), moves.map((m) => m.from), moves.map((m) => m.to), at],
  );
}

export interface ReservationView {
  orderId: string;
  line: number;
  quantity: number;
  state: ReservationState;
  createdAt: string;
  updatedAt: string;
}

/** A product's reservations, newest first. */
export async function listReservations(pool: Pool, sku: string, limit: number): Promise<ReservationView[]> {
  const result = await pool.query<ReservationRow & { order_id: string; created_at: Date; updated_at: Date }>(
    `SELECT order_id, line, sku, quantity, state, created_at, updated_at FROM reservations
     WHERE sku = $1 ORDER BY created_at DESC, order_id, line LIMIT $2`,
    [sku, limit],
  );
  return result.rows.map((row) => ({
    orderId: row.order_id,
    line: row.line,
    quantity: Number(row.quantity),
    state: stateOf(row.state),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }));
}

function stateOf(text: string): ReservationState {
  if (isReservationState(text)) return text;
  throw new Error(`reservations holds an unknown state: ${text}`);
}
