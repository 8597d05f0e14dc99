// Every metric the Grafana dashboard (infra/observability/grafana-dashboard.json) queries is exported
// by some service of a running stack, so no panel stays empty for a misspelt or vanished name.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { serviceInstances } from '../infra/src/apphost.ts';
import { dashboardFile, dashboardMetrics } from '../infra/src/observability.ts';
import { authorizationOf, operator } from './lib/session.ts';
import { testSettings } from './lib/stack.ts';

/** The metric names a `/metrics` answer declares (`# TYPE name kind`), exported yet or not. */
function declared(text: string): string[] {
  return [...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1] ?? '');
}

describe('the dashboard', () => {
  it('queries only metrics some service of the stack exports', async () => {
    const authorization = await authorizationOf(await operator());
    const exported = new Set<string>();
    for (const instance of serviceInstances(testSettings)) {
      const headers = instance.service === 'gateway' ? { authorization } : {};
      const answer = await fetch(`${instance.url}/metrics`, { headers });
      assert.equal(answer.status, 200, `${instance.part} /metrics`);
      for (const name of declared(await answer.text())) exported.add(name);
    }
    const queried = dashboardMetrics(JSON.parse(readFileSync(dashboardFile, 'utf8')));
    assert.deepEqual(
      queried.filter((name) => !exported.has(name)),
      [],
      'queried by the dashboard, exported by no service',
    );
  });
});
