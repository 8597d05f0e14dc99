import type { ReadinessCheck } from '@microshop/platform';
import type { Pool } from 'undici';
import type { UpstreamRegistry } from './upstreams.ts';

/**
 * The gateway's `event flow` readiness entry: what the operations service's own /ready says of it
 * (a heartbeat made the round trip outbox → Debezium → Kafka within its threshold). Informational:
 * while events do not flow the gateway keeps taking orders, which wait in the outboxes, so /ready
 * stays 200 and shows the problem instead of taking the entry point out of rotation.
 */
export function eventFlowCheck(upstreams: UpstreamRegistry, timeoutMs: number): ReadinessCheck {
  return {
    name: 'event flow',
    informational: true,
    timeoutMs: timeoutMs + 500,
    check: async () => {
      const operations = upstreams.get('operations');
      if (operations === undefined) throw new Error('operations is not configured (UPSTREAM_OPERATIONS)');
      let problem = 'operations has no instance';
      // The first instance that answers says it; one that does not answer gives way to the next.
      for (const instance of operations.instances) {
        let report: Report;
        try {
          report = await readyReport(instance.pool, timeoutMs);
        } catch (error) {
          problem = `operations at ${instance.origin}: ${(error as Error).message}`;
          continue;
        }
        return verdictOf(report);
      }
      throw new Error(problem);
    },
  };
}

interface Report {
  checks?: { name?: string; ok?: boolean; error?: string }[];
}

async function readyReport(pool: Pool, timeoutMs: number): Promise<Report> {
  const response = await pool.request({
    path: '/ready',
    method: 'GET',
    signal: AbortSignal.timeout(timeoutMs),
  });
  return (await response.body.json()) as Report;
}

function verdictOf(report: Report): true {
  const flow = report.checks?.find((check) => check.name === 'event flow');
  if (flow === undefined) throw new Error('reports no event flow');
  if (flow.ok !== true) throw new Error(flow.error ?? 'events do not flow');
  return true;
}
