import { notFound, type Pool, withTransaction } from '@microshop/platform';
import { decide, evolve } from '../domain/dead-letter.ts';
import { appendAudit } from '../store/audit.ts';
import { lockDeadLetter, saveStatuses, stateOf } from '../store/dead-letters.ts';
import { type BatchRow, findBatch } from '../store/redrive-batches.ts';
import { batchRedrives, cancelPending, type RedriveRow, type RedriveState } from '../store/redrives.ts';
import type { Actor } from './dead-letter-actions.ts';

/** A redrive request's progress: how many of its dead letters are in each state. */
export interface BatchProgress {
  batchId: string;
  counts: Record<RedriveState, number>;
  /** Nothing left pending: every one was produced (or cancelled). */
  done: boolean;
  redrives: RedriveRow[];
  /** The task: who asked, what, how many, how fast (null for a request older than tasks). */
  task: BatchRow | null;
}

export async function batchProgress(pool: Pool, batchId: string): Promise<BatchProgress> {
  const [redrives, task] = await Promise.all([batchRedrives(pool, batchId), findBatch(pool, batchId)]);
  if (redrives.length === 0) throw notFound('Redrive batch', batchId);
  const counts: Record<RedriveState, number> = { pending: 0, produced: 0, resolved: 0, cancelled: 0 };
  for (const redrive of redrives) counts[redrive.state] += 1;
  return { batchId, counts, done: counts.pending === 0, redrives, task };
}

/**
 * Cancels what of the batch is still pending (nothing produced is taken back): each dead letter goes
 * back to where it was before the request, with an audit entry. Returns how many were cancelled.
 */
export async function cancelBatch(pool: Pool, by: Actor, batchId: string, reason?: string): Promise<number> {
  await batchProgress(pool, batchId); // 404 for an unknown batch
  return withTransaction(pool, async (client) => {
    const cancelled = await cancelPending(client, batchId);
    for (const redrive of cancelled) {
      const row = await lockDeadLetter(client, redrive.dead_letter_id);
      if (row === null) continue;
      const before = stateOf(row);
      const after = decide({ type: 'CancelRedrive' }, before).reduce(evolve, before);
      await saveStatuses(client, [{ id: row.id, status: after.status, redriveCount: after.redriveCount }]);
      await appendAudit(client, [
        {
          actor: by.actor,
          action: 'dead-letter.redrive-cancelled',
          targetType: 'dead-letter',
          targetId: row.id,
          before: { status: before.status, batchId },
          after: { status: after.status },
          result: 'ok',
          reason,
          requestId: by.requestId,
        },
      ]);
    }
    await appendAudit(client, [
      {
        actor: by.actor,
        action: 'redrive-batch.cancelled',
        targetType: 'redrive-batch',
        targetId: batchId,
        after: { cancelled: cancelled.length },
        result: 'ok',
        reason,
        requestId: by.requestId,
      },
    ]);
    return cancelled.length;
  });
}
