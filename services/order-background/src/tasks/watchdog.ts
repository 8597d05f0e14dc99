import { randomUUID } from 'node:crypto';
import type { ExpireOrderCommand, TopicName } from '@microshop/contracts';
import { appendToOutbox, type Logger, outboxMessage, type Pool, withTransaction } from '@microshop/platform';
import { type Deadlines, dueForExpiry } from '../domain/deadlines.ts';
import { claimDue, markSent } from '../store/deadline-store.ts';

/**
 * The watchdog, a periodic task the kit runs every WATCHDOG_INTERVAL_MS (one pass at a time; a failed
 * pass is logged and the next one tries again, nothing was marked sent by it): orders stuck in CREATED
 * or VALIDATED past their deadline get an ExpireOrder command through this service's outbox (topic
 * microshop.order-commands, key = order id). The command and the "sent" mark commit together, so each
 * (order, status) is expired once, even with several instances running the task.
 */

export interface WatchdogOptions {
  pool: Pool;
  deadlines: Deadlines;
  /** Where the commands go: `microshop.order-commands` (tests use their own). */
  commandsTopic: TopicName;
  logger: Logger;
  now?: () => Date;
  newId?: () => string;
  /** Deadlines claimed per transaction; a tick repeats until fewer are due. Default 100. */
  batchSize?: number;
}

/** One pass: sends every expiry due now, a batch per transaction. Returns the commands sent. */
export async function expireDueOrders(options: WatchdogOptions): Promise<ExpireOrderCommand[]> {
  const batchSize = options.batchSize ?? 100;
  const sent: ExpireOrderCommand[] = [];
  for (;;) {
    const { claimed, commands } = await expireBatch(options, batchSize);
    sent.push(...commands);
    if (claimed < batchSize) return sent;
  }
}

async function expireBatch(
  options: WatchdogOptions,
  batchSize: number,
): Promise<{ claimed: number; commands: ExpireOrderCommand[] }> {
  const now = (options.now ?? (() => new Date()))();
  const result = await withTransaction(options.pool, async (client) => {
    const due = await claimDue(client, now, options.deadlines, batchSize);
    const commands = dueForExpiry(due, now, options.deadlines, options.newId ?? randomUUID);
    await appendToOutbox(
      client,
      commands.map((command) =>
        outboxMessage(command, { topic: options.commandsTopic, key: command.orderId }),
      ),
    );
    await markSent(client, commands, now);
    return { claimed: due.length, commands };
  });
  for (const command of result.commands) {
    options.logger.info(
      { orderId: command.orderId, expectedStatus: command.expectedStatus, deadlineAt: command.deadlineAt },
      'order past its deadline; ExpireOrder sent',
    );
  }
  return result;
}
