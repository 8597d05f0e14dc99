import { randomUUID } from 'node:crypto';
import type { ExpireOrderCommand, TopicName } from '@microshop/contracts';
import {
  appendToOutbox,
  gauge,
  type Logger,
  outboxMessage,
  type Pool,
  type PoolClient,
  type Registry,
  withTransaction,
} from '@microshop/platform';
import { type AttentionFlag, type Deadlines, dueForAttention, dueForExpiry } from '../domain/deadlines.ts';
import { countOpen, raiseFlags } from '../store/attention-store.ts';
import { claimDue, type DeadlineAction, markSent } from '../store/deadline-store.ts';

/**
 * The watchdog, a periodic task the kit runs every WATCHDOG_INTERVAL_MS (one pass at a time; a failed
 * pass is logged and the next one tries again, nothing was marked sent by it). Every order ends:
 *   - stuck in CREATED, VALIDATED or APPROVED past its deadline: an ExpireOrder command through this
 *     service's outbox (topic microshop.order-commands, key = order id); the orders service fails it
 *     (not paid yet) or cancels it (APPROVED: refunded, restocked, any late booking cancelled);
 *   - SHIPPED past its deadline with no delivery reported: a flag on the operators' attention list
 *     (GET /api/v1/attention/orders and the gauge `order_background_orders_needing_attention`).
 * The action and the "sent" mark commit together, so each (order, status) is acted on once, even with
 * several instances running the task.
 */

export interface WatchdogOptions {
  pool: Pool;
  deadlines: Deadlines;
  /** Where the commands go: `microshop.order-commands` (tests use their own). */
  commandsTopic: TopicName;
  logger: Logger;
  /** Hears how many orders are on the attention list after each pass (the gauge). */
  onAttention?: (open: number) => void;
  now?: () => Date;
  newId?: () => string;
  /** Deadlines claimed per transaction; a pass repeats until fewer are due. Default 100. */
  batchSize?: number;
}

export interface WatchdogPass {
  commands: ExpireOrderCommand[];
  flags: AttentionFlag[];
}

/** One pass: acts on every deadline due now, a batch per transaction. */
export async function expireDueOrders(options: WatchdogOptions): Promise<ExpireOrderCommand[]> {
  return (await watchOrders(options)).commands;
}

/** One pass, with the flags it raised too. */
export async function watchOrders(options: WatchdogOptions): Promise<WatchdogPass> {
  const batchSize = options.batchSize ?? 100;
  const pass: WatchdogPass = { commands: [], flags: [] };
  for (;;) {
    const { claimed, commands, flags } = await actOnBatch(options, batchSize);
    pass.commands.push(...commands);
    pass.flags.push(...flags);
    if (claimed < batchSize) break;
  }
  options.onAttention?.(await countOpen(options.pool));
  return pass;
}

async function actOnBatch(
  options: WatchdogOptions,
  batchSize: number,
): Promise<WatchdogPass & { claimed: number }> {
  const now = (options.now ?? (() => new Date()))();
  const result = await withTransaction(options.pool, async (client) => {
    const due = await claimDue(client, now, options.deadlines, batchSize);
    const commands = dueForExpiry(due, now, options.deadlines, options.newId ?? randomUUID);
    const flags = dueForAttention(due, now, options.deadlines);
    await sendCommands(client, options.commandsTopic, commands);
    await raiseFlags(client, flags, now);
    await markSent(client, [...commands.map(commandAction), ...flags.map(flagAction)], now);
    return { claimed: due.length, commands, flags };
  });
  logPass(options.logger, result);
  return result;
}

function sendCommands(
  client: PoolClient,
  topic: TopicName,
  commands: readonly ExpireOrderCommand[],
): Promise<void> {
  return appendToOutbox(
    client,
    commands.map((command) => outboxMessage(command, { topic, key: command.orderId })),
  );
}

const commandAction = (command: ExpireOrderCommand): DeadlineAction => ({
  orderId: command.orderId,
  status: command.expectedStatus,
  commandId: command.id,
});

const flagAction = (flag: AttentionFlag): DeadlineAction => ({
  orderId: flag.orderId,
  status: flag.status,
  commandId: null,
});

/** The gauge the watchdog sets after each pass: orders on the attention list. */
export function attentionGauge(metrics: Registry): (open: number) => void {
  const needing = gauge(
    metrics,
    'order_background_orders_needing_attention',
    'Orders past a deadline no command can end (SHIPPED, no delivery reported), not yet resolved',
  );
  return (open) => needing.set(open);
}

function logPass(logger: Logger, pass: WatchdogPass): void {
  for (const command of pass.commands) {
    logger.info(
      { orderId: command.orderId, expectedStatus: command.expectedStatus, deadlineAt: command.deadlineAt },
      'order past its deadline; ExpireOrder sent',
    );
  }
  for (const flag of pass.flags) {
    logger.warn(
      { orderId: flag.orderId, status: flag.status, reason: flag.reason, detail: flag.detail },
      'order past its deadline; flagged for operators',
    );
  }
}
