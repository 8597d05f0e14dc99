import { type Logger, withTransaction } from '@microshop/platform';
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

export interface ParkedLoop {
  /** The readiness check: throws the last pass's error if it failed; false once stopped. */
  check(): boolean;
  /** Stops scheduling and waits for a pass in progress to finish. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs `takeUpOverdue` every `intervalMs`, one pass at a time (the next is scheduled when the previous
 * ends). A failed pass is logged and rolled back; the next one tries again.
 */
export function startParkedLoop(options: ParkedLoopOptions & { intervalMs: number }): ParkedLoop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let lastError: unknown;

  const pass = async (): Promise<void> => {
    try {
      await takeUpOverdue(options);
      lastError = undefined;
    } catch (error) {
      lastError = error;
      options.logger.error({ err: error }, 'parked-events pass failed; retrying at the next interval');
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().then(schedule);
    }, options.intervalMs);
  };
  schedule();

  return {
    check: () => {
      if (lastError !== undefined) throw lastError;
      return !stopped;
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
