import { randomUUID } from 'node:crypto';
import type { ExpireOrderCommand, TopicName } from '@microshop/contracts';
import {
  appendToOutbox,
  type Logger,
  type OutboxMessage,
  type Pool,
  withTransaction,
} from '@microshop/platform';
import { type Deadlines, dueForExpiry } from '../domain/deadlines.ts';
import { claimDue, markSent } from '../store/deadline-store.ts';

/**
 * The watchdog: every `intervalMs`, orders stuck in CREATED or VALIDATED past their deadline get an
 * ExpireOrder command through this service's outbox (topic microshop.order-commands, key = order
 * id). The command and the "sent" mark commit together, so each (order, status) is expired once,
 * even with several instances running the loop.
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
      commands.map((command) => toOutbox(command, options.commandsTopic)),
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

function toOutbox(command: ExpireOrderCommand, topic: TopicName): OutboxMessage {
  return { id: command.id, topic, key: command.orderId, type: command.type, payload: command };
}

export interface Watchdog {
  /** Stops scheduling and waits for a pass in progress to finish. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs `expireDueOrders` every `intervalMs`, one pass at a time (the next is scheduled when the
 * previous ends, so a slow database never piles passes up). A failed pass is logged; the next one
 * tries again, and nothing was marked sent by the failed one.
 */
export function startWatchdog(options: WatchdogOptions & { intervalMs: number }): Watchdog {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const pass = async (): Promise<void> => {
    try {
      await expireDueOrders(options);
    } catch (error) {
      options.logger.error({ err: error }, 'watchdog pass failed; retrying at the next interval');
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
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
