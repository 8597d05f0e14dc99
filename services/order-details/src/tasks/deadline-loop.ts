import type { OrderValidationEvent } from '@microshop/contracts';
import {
  appendToOutbox,
  type Logger,
  type OutboxMessage,
  type Pool,
  withTraceparent,
  withTransaction,
} from '@microshop/platform';
import { recheckParked, type VerdictOptions } from '../handlers/verdicts.ts';
import { lockOverdue } from '../store/pending-store.ts';

/**
 * The deadline loop's pass (the kit runs it every `PENDING_CHECK_INTERVAL_MS`, one pass at a time):
 * the parked orders past their deadline get their verdict, against the copies as they are then: a
 * reference still unknown fails the order (`unknown customer …`, `unknown sku …`). Rows are taken
 * with `FOR UPDATE SKIP LOCKED` and the verdict, its outbox row and the row's deletion commit
 * together, so several instances running the loop give each order one verdict.
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
      const outbox: OutboxMessage[] = [];
      const publish = (...messages: OutboxMessage[]) => void outbox.push(...messages.map(withTraceparent));
      const tx = { client, publish };
      const overdue = await lockOverdue(client, now, batchSize);
      const verdicts = await recheckParked(tx, options, overdue, now);
      await appendToOutbox(client, outbox);
      return { taken: overdue.length, verdicts };
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
