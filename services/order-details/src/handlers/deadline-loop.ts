import type { OrderValidationEvent } from '@microshop/contracts';
import { type Logger, type Pool, withTransaction } from '@microshop/platform';
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

export interface DeadlineLoop {
  /** The readiness check: throws the last pass's error if it failed; false once stopped. */
  check(): boolean;
  /** Stops scheduling and waits for a pass in progress to finish. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs `checkOverdueOrders` every `intervalMs`, one pass at a time (the next is scheduled when the
 * previous ends, so a slow database never piles passes up). A failed pass is logged and rolled back;
 * the next one tries again.
 */
export function startDeadlineLoop(options: DeadlineLoopOptions & { intervalMs: number }): DeadlineLoop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let lastError: unknown;

  const pass = async (): Promise<void> => {
    try {
      await checkOverdueOrders(options);
      lastError = undefined;
    } catch (error) {
      lastError = error;
      options.logger.error({ err: error }, 'deadline loop pass failed; retrying at the next interval');
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
