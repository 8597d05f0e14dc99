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
  withStoredTrace,
  withTraceparent,
  withTransaction,
} from '@microshop/platform';
import { type AttentionFlag, type Deadlines, dueForAttention, dueForExpiry } from '../domain/deadlines.ts';
import { type FlowState, flowState } from '../domain/flow.ts';
import { countOpen, raiseFlags } from '../store/attention-store.ts';
import { claimDue, type DeadlineAction, type DueDeadline, markSent } from '../store/deadline-store.ts';
import { lastProofOfFlow } from '../store/flow-store.ts';

/**
 * The watchdog, a periodic task the kit runs every WATCHDOG_INTERVAL_MS (one pass at a time; a failed
 * pass is logged and the next one tries again, nothing was marked sent by it). Every order ends:
 *   - stuck in CREATED, VALIDATED or APPROVED past its deadline: an ExpireOrder command through this
 *     service's outbox (topic microshop.order-commands, key = order id); the orders service fails it
 *     (not paid yet) or cancels it (APPROVED: refunded, restocked, any late booking cancelled);
 *   - SHIPPED past its deadline with no delivery reported: a flag on the operators' attention list
 *     (GET /api/v1/attention/orders and the gauge `order_background_orders_needing_attention`).
 * The action and the "sent" mark commit together, so each (order, status) is acted on once, even with
 * several instances running the task. A deadline counts only the time events flowed (domain/flow.ts):
 * while no heartbeat has come back for `flowThresholdMs`, the pause goes on and no deadline counts it;
 * before the first heartbeat ever, the watchdog waits.
 */

export interface WatchdogOptions {
  pool: Pool;
  deadlines: Deadlines;
  /** A gap between two proofs of flow longer than this is a pause (domain/flow.ts). */
  flowThresholdMs: number;
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
  /** Whether events flowed when the pass began: if not, only deadlines passed before the pause acted. */
  flow: FlowState;
}

/** One pass: acts on every deadline due now, a batch per transaction. */
export async function expireDueOrders(options: WatchdogOptions): Promise<ExpireOrderCommand[]> {
  return (await watchOrders(options)).commands;
}

/** One pass, with the flags it raised too. */
export async function watchOrders(options: WatchdogOptions): Promise<WatchdogPass> {
  const batchSize = options.batchSize ?? 100;
  const now = (options.now ?? (() => new Date()))();
  const flow = flowState(await lastProofOfFlow(options.pool), now, options.flowThresholdMs);
  const pass: WatchdogPass = { commands: [], flags: [], flow };
  if (flow.state === 'never-proven') return pass;
  const pausedSince = flow.state === 'paused' ? flow.since : null;
  for (;;) {
    const { claimed, commands, flags } = await actOnBatch(options, { now, batchSize, pausedSince });
    pass.commands.push(...commands);
    pass.flags.push(...flags);
    if (claimed < batchSize) break;
  }
  options.onAttention?.(await countOpen(options.pool));
  return pass;
}

async function actOnBatch(
  options: WatchdogOptions,
  { now, batchSize, pausedSince }: { now: Date; batchSize: number; pausedSince: Date | null },
): Promise<Omit<WatchdogPass, 'flow'> & { claimed: number }> {
  const result = await withTransaction(options.pool, async (client) => {
    const due = await claimDue(client, now, options.deadlines, batchSize, pausedSince);
    const commands = dueForExpiry(due, now, options.deadlines, options.newId ?? randomUUID);
    const flags = dueForAttention(due, now, options.deadlines);
    await sendCommands(client, options.commandsTopic, commands, due);
    await raiseFlags(client, flags, now);
    await markSent(client, [...commands.map(commandAction), ...flags.map(flagAction)], now);
    return { claimed: due.length, commands, flags };
  });
  logPass(options.logger, result);
  return result;
}

/** Each command goes on in the trace its order entered the expired status in. */
async function sendCommands(
  client: PoolClient,
  topic: TopicName,
  commands: readonly ExpireOrderCommand[],
  due: readonly DueDeadline[],
): Promise<void> {
  const traceOf = new Map(due.map((row) => [`${row.orderId} ${row.status}`, row.traceparent]));
  const messages = [];
  for (const command of commands) {
    const message = outboxMessage(command, { topic, key: command.orderId });
    const traceparent = traceOf.get(`${command.orderId} ${command.expectedStatus}`);
    const name = `deadline of ${command.expectedStatus} passed`;
    messages.push(await withStoredTrace(traceparent, name, async () => withTraceparent(message)));
  }
  await appendToOutbox(client, messages);
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

function logPass(logger: Logger, pass: Omit<WatchdogPass, 'flow'>): void {
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

/**
 * Logs when deadlines stop and start counting again, and sets the gauge
 * `order_background_deadlines_paused` (1 while events are not proven to flow, or before the first proof).
 */
export function flowReporter(logger: Logger, metrics: Registry): (pass: WatchdogPass) => void {
  const paused = gauge(
    metrics,
    'order_background_deadlines_paused',
    "1 while no heartbeat proves that events flow: the watchdog's deadlines do not count that time",
  );
  let last: FlowState['state'] | undefined;
  return ({ flow }) => {
    paused.set(flow.state === 'flowing' ? 0 : 1);
    if (flow.state === last) return;
    if (flow.state === 'paused') {
      logger.warn({ since: flow.since }, 'events are not proven to flow; deadlines paused');
    } else if (flow.state === 'never-proven') {
      logger.info('no heartbeat read back yet; deadlines wait for the first');
    } else if (last !== undefined) {
      logger.info({ lastProofAt: flow.lastProofAt }, 'events flow again; deadlines count again');
    }
    last = flow.state;
  };
}
