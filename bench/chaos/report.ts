// The chaos run's figures: printed, and written as a table into docs/reliability.md between its
// markers, with the date and the machine.
import type { StackSettings } from '../../infra/src/settings.ts';
import { machine, writeSection } from '../lib/report.ts';
import { type ChaosReport, problemsOf } from './chaos.ts';

function seconds(ms: number | null): string {
  return ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`;
}

function faultsByKind(report: ChaosReport): string {
  const counts = new Map<string, number>();
  for (const fault of report.faults) counts.set(fault.kind, (counts.get(fault.kind) ?? 0) + 1);
  return [...counts].map(([kind, count]) => `${kind} ${count}`).join(', ');
}

/** The slowest time back, per kind of crash (SIGKILL until the part answers again). */
function slowestRecovery(report: ChaosReport): string {
  const slowest = new Map<string, number>();
  for (const fault of report.faults.filter((f) => f.kind.startsWith('kill-')))
    slowest.set(fault.kind, Math.max(slowest.get(fault.kind) ?? 0, fault.endedAt - fault.startedAt));
  return [...slowest].map(([kind, ms]) => `${kind} ${seconds(ms)}`).join(', ');
}

export function summaryRows(report: ChaosReport): [string, string][] {
  const { placed, money, stock, emails } = report;
  return [
    [
      'orders placed / accepted / refused',
      `${report.options.orders} / ${placed.accepted.size} / ${placed.refused}`,
    ],
    ['final statuses', JSON.stringify(report.statuses)],
    ['failure reasons', JSON.stringify(report.failureReasons)],
    ['faults injected', `${report.faults.length} (${faultsByKind(report)})`],
    ['faults not injected', String(report.missedFaults.length)],
    ['**lost**', String(report.lost.length)],
    ['**charged twice**', String(money.doubleCharged.length)],
    ['**oversold**', String(stock.oversold)],
    ['**stuck**', String(report.stuck.length)],
    [
      'money otherwise wrong',
      String(
        money.deliveredNotCharged.length +
          money.deliveredRefunded.length +
          money.endedChargedNotRefunded.length,
      ),
    ],
    [
      'stock adds up / reservations held',
      `${stock.products.every((p) => p.ok) ? 'yes' : 'no'} / ${stock.openReservations}`,
    ],
    [
      'emails expected / missing / re-sent (same Message-ID)',
      `${emails.expected} / ${emails.missing.length} / ${emails.resent.length}`,
    ],
    ['emails failed for good', String(emails.failed.length)],
    ['dead letters', String(report.deadLetters.length)],
    [
      'outbox drained',
      report.outbox.drained ? `yes (slot lag ${report.outbox.slotLagBytes ?? '?'} bytes)` : 'no',
    ],
    ['time to recover (last fault over → every order ended)', seconds(report.recoveryMs)],
    ['slowest crash recovery', slowestRecovery(report)],
    ['duration', seconds(report.durationMs)],
  ];
}

export function printReport(report: ChaosReport): void {
  const rows = summaryRows(report);
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log('\nchaos run');
  for (const [label, value] of rows) console.log(`  ${label.replaceAll('*', '').padEnd(width)}  ${value}`);
  for (const dead of report.deadLetters)
    console.log(
      `  dead letter: ${dead.group} ${dead.origin.topic}@${dead.origin.partition}:${dead.origin.offset} ${dead.code}: ${dead.error}`,
    );
  for (const missed of report.missedFaults) console.log(`  not injected: ${missed}`);
  for (const order of report.stuck.slice(0, 20)) console.log(`  stuck: ${order.id} ${order.status}`);
  for (const id of report.emails.missing.slice(0, 20)) console.log(`  email missing: ${id}`);
  const problems = problemsOf(report);
  console.log(
    problems.length === 0
      ? '\n✓ nothing lost, charged twice, oversold or stuck'
      : `\n✗ ${problems.join(', ')}`,
  );
}

export function writeReliabilityTable(report: ChaosReport, settings: StackSettings): void {
  const { options } = report;
  const lines = [
    `\`npm run chaos -- --orders ${options.orders} --rate ${options.rate} --faults ${options.faults} --schedule ${options.schedule}\`, ` +
      `${new Date().toISOString().slice(0, 10)}, ${machine()}; ${settings.kafka.nodes} Kafka brokers, two instances of each service.`,
    '',
    '| Figure | Value |',
    '| --- | --- |',
    ...summaryRows(report).map(([label, value]) => `| ${label} | ${value} |`),
  ];
  const problems = problemsOf(report);
  lines.push('', problems.length === 0 ? 'Verdict: passed.' : `Verdict: **failed**: ${problems.join(', ')}.`);
  writeSection('reliability.md', 'chaos', lines.join('\n'));
}
