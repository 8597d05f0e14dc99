import type { OrderValidationEvent } from '@microshop/contracts';
import {
  type Logger,
  type PeriodicTask,
  type Pool,
  startPeriodicTask,
  withTransaction,
} from '@microshop/platform';
import { lockOverdue } from '../store/pending-store.ts';
import { recheckParked, type VerdictOptions } from './verdicts.ts';

/**
 * The deadline loop: every `intervalMs`, the parked orders past their deadline get their verdict,
 * against the copies as they are then: a reference still unknown fails the order (`unknown customer
 * …`, `unknown sku …`). Rows are taken with `FOR UPDATE SKIP LOCKED` and the verdict, its outbox row
 * and the row's deletion commit together, so several instances running the loop give each order one
 * verdict.
 */

export interface DeadlineLoopOptions extends VerdictOptions {
  pool: Pool;
  logger: Logger;
  /** Parked orders taken per transaction; a pass repeats until fewer are overdue. Default 100. */
  batchSize?: number;
}

/** One pass: every parked order overdue now gets its verdict, a batch per transaction. */
export async function checkOverdueOrders(options: DeadlineLoopOptions): Promise<OrderValidationEvent[]> {
  const batchSize = options.batchSize ?? 100;
  const sent: OrderValidationEvent[] = [];
  for (;;) {
    const now = (options.now ?? (() => new Date()))();
    const batch = await withTransaction(options.pool, async (client) => {
      const overdue = await lockOverdue(client, now, batchSize);
      return { taken: overdue.length, verdicts: await recheckParked(client, options, overdue, now) };
    });
    for (const validation of batch.verdicts) {
      options.logger.info(
        { orderId: validation.orderId, result: validation.result, reason: validation.reason },
        'parked order checked at its deadline',
      );
    }
    sent.push(...batch.verdicts);
    if (batch.taken < batchSize) return sent;
  }
}

export type DeadlineLoop = PeriodicTask;

/** Runs `checkOverdueOrders` every `intervalMs`, one pass at a time (see `startPeriodicTask`). */
export function startDeadlineLoop(options: DeadlineLoopOptions & { intervalMs: number }): DeadlineLoop {
  return startPeriodicTask({
    name: 'deadline loop',
    intervalMs: options.intervalMs,
    logger: options.logger,
    run: () => checkOverdueOrders(options),
  });
}
