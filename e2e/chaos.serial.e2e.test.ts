// The short chaos run (docs/reliability.md) on the test stack, supervised by the test runner as
// `npm start` supervises its stack: a few hundred orders at a steady rate while one fault of each kind
// is injected (a service instance, PostgreSQL, the Kafka broker and Connect SIGKILLed; a process
// SIGSTOPped past its session; outages of SMTP, the payment provider and the carrier), then the audit:
// nothing lost, charged twice, oversold or stuck; stock and money add up; every email arrived; the
// outbox drained. With the deadlines of `npm start` (the watchdog's, payments' card token grace), as
// the full run has them.
// Runs alone (".serial."): it crashes the shared test stack's parts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { problemsOf, runChaos } from '../bench/chaos/chaos.ts';
import { settingsOfNpmStart } from '../bench/chaos/deadlines.ts';
import { faultKinds } from '../bench/chaos/faults.ts';
import { summaryRows } from '../bench/chaos/report.ts';
import { serviceInstances } from '../infra/src/apphost.ts';
import { restartStrandedConsumers, withServiceSettings } from './lib/crash.ts';
import { testDirs, testSettings } from './lib/stack.ts';

describe('the short chaos run', () => {
  it('loses, double-charges, oversells and strands nothing through one fault of each kind', {
    timeout: 1_200_000,
  }, async (t) => {
    const restoreSettings = await withServiceSettings(settingsOfNpmStart);
    try {
      const stack = { settings: testSettings, dirs: testDirs, instances: serviceInstances(testSettings) };
      const options = { orders: 300, rate: 2, faults: faultKinds.length, schedule: 13, settleMs: 60_000 };
      const report = await runChaos(stack, options, (line) => t.diagnostic(line));
      for (const [label, value] of summaryRows(report))
        t.diagnostic(`${label.replaceAll('*', '')}: ${value}`);
      for (const dead of report.deadLetters)
        t.diagnostic(`dead letter: ${dead.group} ${dead.code}: ${dead.error}`);
      assert.equal(report.faults.length, faultKinds.length, 'one fault of each kind injected');
      assert.deepEqual(problemsOf(report), []);
    } finally {
      await restoreSettings();
      await restartStrandedConsumers();
    }
  });
});
