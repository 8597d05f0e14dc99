import { type Logger, type PeriodicTask, startPeriodicTask, withTransaction } from '@microshop/platform';
import { lockOverdue } from '../store/parked-events.ts';
import { noProgress, type OrderEventDeps, type Progress, takeUpOrder } from './parking.ts';

/**
 * The parked-events loop: every `intervalMs`, the orders whose parked head event has waited its whole
 * grace period are taken up again: routed with the fallback level, emailed without the missing fact
 * (or not at all without an address), and the events behind it follow. Heads are taken with
 * `FOR UPDATE SKIP LOCKED` and everything commits with the rows' changes, so several instances running
 * the loop do each thing once.
 */

export interface ParkedLoopOptions extends Pick<OrderEventDeps, 'pool' | 'routing' | 'emails'> {
  logger: Logger;
  /** Wakes the sender loop when emails were queued. */
  onEmailQueued?: () => void;
  now?: () => Date;
  /** Overdue events taken per transaction; a pass repeats until fewer are overdue. Default 100. */
  batchSize?: number;
}

/** One pass: every order with an overdue parked event is taken up, a batch per transaction. */
export async function takeUpOverdue(options: ParkedLoopOptions): Promise<Progress> {
  const batchSize = options.batchSize ?? 100;
  const total = noProgress();
  for (;;) {
    const now = (options.now ?? (() => new Date()))();
    const batch = await withTransaction(options.pool, async (client) => {
      const orderIds = await lockOverdue(client, now, batchSize);
      const progress = noProgress();
      for (const orderId of orderIds) await takeUpOrder(client, options, orderId, options.logger, progress);
      return { taken: orderIds.length, progress };
    });
    for (const email of batch.progress.emails) options.logger.info(email, 'email queued after its wait');
    if (batch.progress.emails.length > 0) options.onEmailQueued?.();
    total.routed.push(...batch.progress.routed);
    total.emails.push(...batch.progress.emails);
    if (batch.taken < batchSize) return total;
  }
}

export type ParkedLoop = PeriodicTask;

/** Runs `takeUpOverdue` every `intervalMs`, one pass at a time (see `startPeriodicTask`). */
export function startParkedLoop(options: ParkedLoopOptions & { intervalMs: number }): ParkedLoop {
  return startPeriodicTask({
    name: 'parked-events loop',
    intervalMs: options.intervalMs,
    logger: options.logger,
    run: () => takeUpOverdue(options),
  });
}
