import {
  appendToOutbox,
  type Logger,
  type OutboxMessage,
  type Pool,
  withTraceparent,
  withTransaction,
} from '@microshop/platform';
import {
  type ForwardingOptions,
  noProgress,
  type Progress,
  reportProgress,
  takeUpOrder,
} from '../handlers/forwarding.ts';
import { lockOverdue } from '../store/parked-events.ts';

/**
 * The parked-events task, one pass every `PARKED_EVENTS_INTERVAL_MS` (the kit's periodic task): the
 * orders whose parked head event has waited its whole grace period are taken up again: routed with
 * the fallback level, emailed without the missing fact (or not at all without an address), and the
 * events behind it follow. Heads are taken with `FOR UPDATE SKIP LOCKED` and everything commits with
 * the rows' changes, so several instances running the task do each thing once.
 */

export interface ParkedEventsOptions extends ForwardingOptions {
  pool: Pool;
  logger: Logger;
  /** Called after each batch committed, with what it routed and queued (main wakes the sender). */
  onCommitted?: (progress: Progress) => void;
  /** Overdue events taken per transaction; a pass repeats until fewer are overdue. Default 100. */
  batchSize?: number;
}

/** One pass: every order with an overdue parked event is taken up, a batch per transaction. */
export async function takeUpOverdue(options: ParkedEventsOptions): Promise<Progress> {
  const batchSize = options.batchSize ?? 100;
  const total = noProgress();
  for (;;) {
    const batch = await takeUpBatch(options, batchSize);
    reportProgress(batch.progress, options.logger, 'email queued after its wait');
    options.onCommitted?.(batch.progress);
    total.routed.push(...batch.progress.routed);
    total.emails.push(...batch.progress.emails);
    if (batch.taken < batchSize) return total;
  }
}

/** One transaction: its routed events go to the outbox just before it commits, as a consumer's do. */
function takeUpBatch(options: ParkedEventsOptions, batchSize: number) {
  const now = (options.now ?? (() => new Date()))();
  return withTransaction(options.pool, async (client) => {
    const outbox: OutboxMessage[] = [];
    const tx = {
      client,
      logger: options.logger,
      publish: (...messages: OutboxMessage[]) => void outbox.push(...messages.map(withTraceparent)),
    };
    const orderIds = await lockOverdue(client, now, batchSize);
    const progress = noProgress();
    for (const orderId of orderIds) await takeUpOrder(tx, options, orderId, progress);
    await appendToOutbox(client, outbox);
    return { taken: orderIds.length, progress };
  });
}
