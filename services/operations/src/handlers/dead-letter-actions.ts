import { randomUUID } from 'node:crypto';
import {
  AppError,
  conflict,
  notFound,
  type Pool,
  type PoolClient,
  withTransaction,
} from '@microshop/platform';
import { type DeadLetterEvent, decide, evolve } from '../domain/dead-letter.ts';
import { type AuditEntry, appendAudit } from '../store/audit.ts';
import {
  type DeadLetterRow,
  lockSelection,
  type Selection,
  saveStatuses,
  stateOf,
} from '../store/dead-letters.ts';
import { insertBatch } from '../store/redrive-batches.ts';
import { insertPending } from '../store/redrives.ts';

/**
 * What an operator does to dead letters: redrive or discard some (named, or all matching a filter),
 * with the same rules for one and for many. The request states how many it expects to act on; when
 * the selection holds another number nothing happens (409), so a filter that matches more than the
 * operator saw cannot act on the rest. A dry run answers the count and the warnings only. Each
 * dead letter's change and its audit entry are written in one transaction: no audit, no action.
 */

/** Who acts, for the audit log. */
export interface Actor {
  actor: string;
  requestId: string | null;
}

export interface Target {
  selection: Selection;
  /** Required unless `dryRun`. */
  expectedCount?: number | undefined;
  dryRun: boolean;
}

export interface Warning {
  deadLetterId: string;
  message: string;
}

export interface ActionAnswer {
  /** The redrive batch (progress, cancel); null for a dry run or a discard. */
  batchId: string | null;
  count: number;
  deadLetters: string[];
  warnings: Warning[];
  dryRun: boolean;
}

/** More than this in one request must be narrowed down: the answer, its audit and its locks stay bounded. */
export const maxSelection = 10_000;

interface Decided {
  row: DeadLetterRow;
  events: DeadLetterEvent[];
}

export interface RedriveOptions {
  reason?: string | undefined;
  /** This request's own velocity limit (records a second), below the service's; default the service's. */
  ratePerSecond?: number | undefined;
}

/**
 * Starts a redrive task: every selected dead letter `redriving` with a pending redrive and its audit
 * entry, and the task itself (what was selected, how many, how fast) with one of its own. The sender
 * produces it in the background; the task's progress and cancel are in redrive-batches.ts.
 */
export function requestRedrive(
  pool: Pool,
  by: Actor,
  target: Target,
  options: RedriveOptions = {},
): Promise<ActionAnswer> {
  const { reason, ratePerSecond } = options;
  return withTransaction(pool, async (client) => {
    const decided = await decideFor(client, target, { type: 'Redrive' });
    const answer = answerOf(decided, target, warningsOf(decided));
    if (target.dryRun) return answer;
    const batchId = randomUUID();
    const counts = decided.map(({ row, events }) => ({ deadLetterId: row.id, count: countOf(events) }));
    await saveStatuses(client, decided.map(statusChange));
    const selection = 'ids' in target.selection ? { idCount: target.selection.ids.length } : target.selection;
    const task = { selection, total: decided.length, ratePerSecond: ratePerSecond ?? null };
    await insertBatch(client, {
      batchId,
      requestedBy: by.actor,
      requestId: by.requestId,
      reason: reason ?? null,
      ...task,
    });
    await insertPending(client, batchId, counts, by);
    await appendAudit(client, [
      ...decided.map((d) =>
        auditOf(d, by, { action: 'dead-letter.redrive', result: 'pending', reason, batchId }),
      ),
      {
        actor: by.actor,
        action: 'redrive-batch.requested',
        targetType: 'redrive-batch',
        targetId: batchId,
        after: task,
        result: 'pending',
        reason,
        requestId: by.requestId,
      },
    ]);
    return { ...answer, batchId };
  });
}

export function discard(pool: Pool, by: Actor, target: Target, reason: string): Promise<ActionAnswer> {
  return withTransaction(pool, async (client) => {
    const decided = await decideFor(client, target, { type: 'Discard', reason });
    const answer = answerOf(decided, target, []);
    if (target.dryRun) return answer;
    await saveStatuses(client, decided.map(statusChange));
    await appendAudit(
      client,
      decided.map((d) => auditOf(d, by, { action: 'dead-letter.discard', result: 'ok', reason })),
    );
    return answer;
  });
}

async function decideFor(
  client: PoolClient,
  target: Target,
  command: Parameters<typeof decide>[0],
): Promise<Decided[]> {
  const rows = await lockSelection(client, target.selection, maxSelection + 1);
  if ('ids' in target.selection) assertAllFound(target.selection.ids, rows);
  if (rows.length > maxSelection) {
    throw conflict(`more than ${maxSelection} dead letters match; narrow the filter (nothing was done)`);
  }
  const decided = rows.map((row) => ({ row, events: decide(command, stateOf(row)) }));
  const refused = decided.flatMap(({ row, events }) =>
    events.flatMap((e) => (e.type === 'Refused' ? [`${row.id}: ${e.reason}`] : [])),
  );
  if (refused.length > 0) throw conflict(`refused, nothing was done: ${refused.join('; ')}`);
  if (!target.dryRun && target.expectedCount !== rows.length) {
    throw conflict(
      `${rows.length} dead letters match, not the ${target.expectedCount} confirmed; nothing was done`,
    );
  }
  return decided;
}

function assertAllFound(ids: readonly string[], rows: readonly DeadLetterRow[]): void {
  const found = new Set(rows.map((row) => row.id));
  const missing = [...new Set(ids)].filter((id) => !found.has(id));
  if (missing.length === 1) throw notFound('Dead letter', missing[0] as string);
  if (missing.length > 1) throw new AppError('NOT_FOUND', `Dead letters not found: ${missing.join(', ')}`);
}

function answerOf(decided: readonly Decided[], target: Target, warnings: Warning[]): ActionAnswer {
  return {
    batchId: null,
    count: decided.length,
    deadLetters: decided.map((d) => d.row.id),
    warnings,
    dryRun: target.dryRun,
  };
}

function warningsOf(decided: readonly Decided[]): Warning[] {
  return decided.flatMap(({ row, events }) =>
    events.flatMap((event) =>
      event.type === 'RedriveRequested' && event.alreadyRedriven > 0
        ? [
            {
              deadLetterId: row.id,
              message:
                `already redriven ${event.alreadyRedriven} time(s), last at ${row.last_redriven_at?.toISOString()}; ` +
                `if ${row.consumer_group} handled it then, its inbox skips it now`,
            },
          ]
        : [],
    ),
  );
}

function countOf(events: readonly DeadLetterEvent[]): number {
  const requested = events.find((e) => e.type === 'RedriveRequested');
  return requested?.type === 'RedriveRequested' ? requested.count : 1;
}

function statusChange({ row, events }: Decided) {
  const after = events.reduce(evolve, stateOf(row));
  const discarded = events.find((e) => e.type === 'Discarded');
  return {
    id: row.id,
    status: after.status,
    redriveCount: after.redriveCount,
    ...(discarded?.type === 'Discarded' ? { discardReason: discarded.reason } : {}),
  };
}

function auditOf(
  { row, events }: Decided,
  by: Actor,
  what: { action: string; result: string; reason?: string | undefined; batchId?: string },
): AuditEntry {
  const before = stateOf(row);
  const after = events.reduce(evolve, before);
  return {
    actor: by.actor,
    action: what.action,
    targetType: 'dead-letter',
    targetId: row.id,
    before: { status: before.status, redriveCount: before.redriveCount },
    after: {
      status: after.status,
      redriveCount: after.redriveCount,
      ...(what.batchId ? { batchId: what.batchId } : {}),
    },
    result: what.result,
    reason: what.reason,
    requestId: by.requestId,
  };
}
