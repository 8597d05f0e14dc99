import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { serviceSpecs } from '../src/apphost.ts';
import { dashboardFile, dashboardMetrics, prometheusConfig, prometheusFile } from '../src/observability.ts';
import { loadSettings } from '../src/settings.ts';

describe('the observability files', () => {
  it('prometheus.yml scrapes every service of the dev stack on the port the stack gives it', () => {
    const committed = readFileSync(prometheusFile, 'utf8');
    const expected = prometheusConfig(loadSettings('dev', {}));
    assert.equal(committed, expected, 'out of date: run `node infra/src/observability.ts`');
    for (const spec of serviceSpecs) assert.ok(committed.includes(`job_name: ${spec.name}\n`), spec.name);
  });

  it('the dashboard queries the funnel, step durations, lag, dead letters and HTTP latency', () => {
    const metrics = dashboardMetrics(JSON.parse(readFileSync(dashboardFile, 'utf8')));
    for (const name of [
      'http_request_duration_seconds',
      'microshop_order_step_duration_seconds',
      'microshop_kafka_consumer_lag',
      'microshop_outbox_lag_seconds',
      'microshop_replication_slot_lag_bytes',
      'microshop_kafka_messages_dead_lettered_total',
      'microshop_dead_letters_open',
    ]) {
      assert.ok(metrics.includes(name), `${name} in ${metrics}`);
    }
  });
});
