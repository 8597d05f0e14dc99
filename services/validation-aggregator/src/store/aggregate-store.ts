import { validationCheckSchema, validationResultSchema } from '@microshop/contracts';
import { type Pool, type PoolClient, unreachable } from '@microshop/platform';
import type { AggregateState, CheckResult, Decision } from '../domain/aggregation.ts';

// The aggregator's reads and writes. Writes run inside the handler's transaction (the kit's).

/**
 * Serialises the results of one order for the rest of the transaction, across instances. Without
 * it, the last two results of an order handled at once would each read the other's as missing and
 * neither would decide; with it the second reads the first's committed row. Released at commit.
 */
export async function lockOrder(client: PoolClient, orderId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `validation-aggregator:${orderId}`,
  ]);
}

export async function readState(db: Pick<PoolClient, 'query'>, orderId: string): Promise<AggregateState> {
  const results = await db.query<{ check_name: string; result: string; reason: string | null }>(
    'SELECT check_name, result, reason FROM validation_results WHERE order_id = $1',
    [orderId],
  );
  const decision = await db.query<{ outcome: string; reasons: string[] }>(
    'SELECT outcome, reasons FROM validation_decisions WHERE order_id = $1',
    [orderId],
  );
  const row = decision.rows[0];
  return {
    results: results.rows.map(toCheckResult),
    decision: row === undefined ? null : toDecision(row.outcome, row.reasons),
  };
}

export async function insertResult(
  client: PoolClient,
  orderId: string,
  result: CheckResult,
  eventId: string,
  receivedAt: Date,
): Promise<void> {
  // DO NOTHING: the domain already ignores a check it has seen; this keeps the first one regardless.
  await client.query(
    `INSERT INTO validation_results (order_id, check_name, result, reason, event_id, received_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id, check_name) DO NOTHING`,
    [orderId, result.check, result.result, result.reason, eventId, receivedAt],
  );
}

/** A plain INSERT: a second decision for the order fails on the primary key and rolls everything back. */
export async function insertDecision(
  client: PoolClient,
  orderId: string,
  decision: Decision,
  eventId: string,
  decidedAt: Date,
): Promise<void> {
  await client.query(
    `INSERT INTO validation_decisions (order_id, outcome, reasons, event_id, decided_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [orderId, decision.outcome, JSON.stringify(reasonsOf(decision)), eventId, decidedAt],
  );
}

/** What GET /api/v1/validations/{orderId} shows operators. */
export interface ValidationView {
  orderId: string;
  results: (CheckResult & { eventId: string; receivedAt: string })[];
  decision: { outcome: Decision['outcome']; reasons: string[]; eventId: string; decidedAt: string } | null;
}

/** Null when nothing is known of the order. */
export async function findValidation(pool: Pool, orderId: string): Promise<ValidationView | null> {
  const results = await pool.query<{
    check_name: string;
    result: string;
    reason: string | null;
    event_id: string;
    received_at: Date;
  }>(
    `SELECT check_name, result, reason, event_id, received_at FROM validation_results
     WHERE order_id = $1 ORDER BY received_at, check_name`,
    [orderId],
  );
  const decisions = await pool.query<{
    outcome: string;
    reasons: string[];
    event_id: string;
    decided_at: Date;
  }>('SELECT outcome, reasons, event_id, decided_at FROM validation_decisions WHERE order_id = $1', [
    orderId,
  ]);
  const decision = decisions.rows[0];
  if (results.rows.length === 0 && decision === undefined) return null;
  return {
    orderId,
    results: results.rows.map((row) => ({
      ...toCheckResult(row),
      eventId: row.event_id,
      receivedAt: row.received_at.toISOString(),
    })),
    decision:
      decision === undefined
        ? null
        : {
            outcome: toDecision(decision.outcome, decision.reasons).outcome,
            reasons: decision.reasons,
            eventId: decision.event_id,
            decidedAt: decision.decided_at.toISOString(),
          },
  };
}

function toCheckResult(row: { check_name: string; result: string; reason: string | null }): CheckResult {
  return {
    check: validationCheckSchema.parse(row.check_name),
    result: validationResultSchema.parse(row.result),
    reason: row.reason,
  };
}

function toDecision(outcome: string, reasons: string[]): Decision {
  if (outcome === 'VALIDATED') return { outcome };
  if (outcome === 'REJECTED') return { outcome, reasons };
  throw new Error(`validation_decisions holds an unknown outcome: ${outcome}`);
}

function reasonsOf(decision: Decision): string[] {
  switch (decision.outcome) {
    case 'VALIDATED':
      return [];
    case 'REJECTED':
      return decision.reasons;
    default:
      return unreachable(decision);
  }
}
