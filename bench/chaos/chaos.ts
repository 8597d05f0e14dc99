// One chaos run against a running, supervised stack: orders at a steady rate while faults are
// injected one after another on a reproducible schedule, then the audit (audit.ts). `npm run chaos`
// (run.ts) starts a stack of its own for it; the short version in `npm test` runs it on the test stack.
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeadLetterSummary } from '../../infra/src/ops-client.ts';
import { gatewayUrl } from '../../infra/src/settings.ts';
import { signInOperator } from '../lib/auth.ts';
import {
  auditEmails,
  auditMoney,
  auditStock,
  awaitEnds,
  type EmailFindings,
  type MoneyFindings,
  type OrderRow,
  type StockFindings,
} from './audit.ts';
import { type ChaosStack, type FaultContext, type FaultRecord, faultKinds, injectors } from './faults.ts';
import { openShop, type PlacedOrders, placeOrders } from './load.ts';
import { deadLetters, type OutboxFindings, outboxDrained } from './ops-audit.ts';
import { scheduledRandom, faultKinds as scheduleKinds } from './random.ts';

export interface ChaosOptions {
  orders: number;
  /** Orders per second. */
  rate: number;
  faults: number;
  /** Fixes the run's random choices: the same number, the same fault schedule. */
  schedule: number;
  /** How long after the last fault (and the last order) every order must have ended. */
  settleMs: number;
}

export interface ChaosReport {
  options: ChaosOptions;
  placed: PlacedOrders;
  statuses: Record<string, number>;
  failureReasons: Record<string, number>;
  faults: FaultRecord[];
  /** Faults that could not be injected, with why. */
  missedFaults: string[];
  lost: string[];
  stuck: OrderRow[];
  money: MoneyFindings;
  stock: StockFindings;
  emails: EmailFindings;
  deadLetters: DeadLetterSummary[];
  outbox: OutboxFindings;
  /** From the end of the last fault to the moment every order had ended; null if some never did. */
  recoveryMs: number | null;
  durationMs: number;
}

export async function runChaos(
  stack: ChaosStack,
  options: ChaosOptions,
  log: (line: string) => void,
): Promise<ChaosReport> {
  const startedAt = Date.now();
  const random = scheduledRandom(options.schedule);
  const gateway = gatewayUrl(stack.settings);
  const operator = await signInOperator(gateway);
  const tag = `${options.schedule}-${startedAt.toString(36).toUpperCase()}`;
  const shop = await openShop(gateway, operator, options.orders, tag);
  log(`shop open: ${shop.customers.length} customers, ${shop.products.length} products`);
  const context: FaultContext = { stack, operator, random: scheduledRandom(options.schedule + 1), log };
  const loadMs = (options.orders / options.rate) * 1000;
  const [placed, injected] = await Promise.all([
    placeOrders(gateway, shop, {
      count: options.orders,
      rate: options.rate,
      random,
      onProgress: (n) => log(`  ${n} orders placed`),
    }),
    injectFaults(context, options, loadMs),
  ]);
  const ids = [...placed.accepted.keys()];
  log(`${ids.length} orders accepted, ${placed.refused} refused; waiting for every order to end`);
  const lastFaultEnd = Math.max(0, ...injected.faults.map((fault) => fault.endedAt));
  const deadline = Math.max(lastFaultEnd, placed.endedAt) + options.settleMs;
  const { rows, allEndedAt } = await awaitEnds(stack, ids, deadline);
  log('auditing');
  const found = new Set(rows.map((row) => row.id));
  return {
    options,
    placed,
    statuses: countBy(rows, (row) => row.status),
    failureReasons: countBy(
      rows.filter((row) => row.status === 'FAILED'),
      (row) => (row.reasons[0] ?? '').split(':')[0] || 'none',
    ),
    ...injected,
    lost: ids.filter((id) => !found.has(id)),
    stuck: rows.filter((row) => !['DELIVERED', 'FAILED', 'CANCELLED'].includes(row.status)),
    money: auditMoney(stack, rows),
    stock: await auditStock(stack, shop),
    emails: await auditEmails(stack, ids),
    deadLetters: (await deadLetters(stack)).filter((d) => Date.parse(d.lastFailedAt) >= startedAt),
    outbox: await outboxDrained(stack),
    recoveryMs: allEndedAt === null ? null : Math.max(0, allEndedAt - lastFaultEnd),
    durationMs: Date.now() - startedAt,
  };
}

/** The faults one after another, their starts spread over the load: every kind once first. */
async function injectFaults(
  context: FaultContext,
  options: ChaosOptions,
  loadMs: number,
): Promise<{ faults: FaultRecord[]; missedFaults: string[] }> {
  const kinds = scheduleKinds(faultKinds, options.faults, context.random);
  const spacingMs = Math.max(3000, loadMs / Math.max(1, options.faults));
  const faults: FaultRecord[] = [];
  const missedFaults: string[] = [];
  const startedAt = Date.now();
  for (const [index, kind] of kinds.entries()) {
    const due = startedAt + index * spacingMs + context.random.between(1000, 3000);
    if (due > Date.now()) await sleep(due - Date.now());
    try {
      const fault = await injectors[kind](context);
      faults.push(fault);
      const took = ((fault.endedAt - fault.startedAt) / 1000).toFixed(1);
      context.log(
        `  fault ${index + 1}/${kinds.length}: ${kind} ${fault.target} (${fault.detail}), over after ${took}s`,
      );
    } catch (error) {
      missedFaults.push(`${kind}: ${(error as Error).message}`);
      context.log(
        `  fault ${index + 1}/${kinds.length}: ${kind} could not be injected: ${(error as Error).message}`,
      );
    }
  }
  return { faults, missedFaults };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** The four figures the run must hold at zero, and the other checks, as one verdict. */
export function problemsOf(report: ChaosReport): string[] {
  const problems: string[] = [];
  const add = (count: number, what: string) => count > 0 && problems.push(`${count} ${what}`);
  add(report.lost.length, 'lost');
  add(report.money.doubleCharged.length, 'charged twice');
  add(report.stock.oversold, 'oversold');
  add(report.stuck.length, 'stuck');
  add(report.money.deliveredNotCharged.length, 'delivered without a charge');
  add(report.money.deliveredRefunded.length, 'delivered but refunded');
  add(report.money.endedChargedNotRefunded.length, 'failed or cancelled but charged and not refunded');
  add(report.stock.products.filter((p) => !p.ok).length, 'products whose stock does not add up');
  add(report.stock.openReservations, 'reservations still held');
  add(report.emails.missing.length, 'emails never received');
  add(report.missedFaults.length, 'faults not injected');
  if (!report.outbox.drained) problems.push('the outbox did not drain');
  return problems;
}
