import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/**
 * The routes every service answers for operators and the stack runner:
 * `/health` (the process is alive; never touches a dependency, so a slow database does not get
 * a healthy process killed), `/ready` (it can do its work now) and `/metrics` (Prometheus).
 */

export interface ReadinessCheck {
  /** Shown in the `/ready` answer, e.g. `database` or `consumer:order-outbox`. */
  name: string;
  /** Resolves when ready; throws (or returns `false`) when not. */
  check: () => unknown;
  /** A check that has not answered by then counts as failed; default 2000 ms. */
  timeoutMs?: number;
  /**
   * Reported, but never makes the service not ready: something the caller should see that taking the
   * service out of rotation would not help (the gateway shows whether events flow, and keeps taking
   * orders, which wait in the outboxes, while they do not).
   */
  informational?: boolean;
}

export interface ReadinessResult {
  name: string;
  ok: boolean;
  error?: string;
  informational?: true;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: ReadinessResult[];
}

export function registerOpsRoutes(
  app: FastifyInstance,
  options: { metrics: Registry; readiness: readonly ReadinessCheck[] },
): void {
  const hidden = { schema: { hide: true }, logLevel: 'warn' as const };

  app.get('/health', hidden, async () => ({ status: 'alive' }));

  app.get('/ready', hidden, async (_request, reply) => {
    const report = await runReadinessChecks(options.readiness);
    return reply.status(report.status === 'ready' ? 200 : 503).send(report);
  });

  app.get('/metrics', hidden, async (_request, reply) => {
    const text = await options.metrics.metrics();
    return reply.type(options.metrics.contentType).send(text);
  });
}

/** Runs every check at once, so `/ready` answers within the slowest check's timeout. */
export async function runReadinessChecks(checks: readonly ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (check) => ({
      ...(await runCheck(check)),
      ...(check.informational === true ? { informational: true as const } : {}),
    })),
  );
  const ready = results.every((r) => r.ok || r.informational === true);
  return { status: ready ? 'ready' : 'not_ready', checks: results };
}

async function runCheck(check: ReadinessCheck): Promise<ReadinessResult> {
  const timeoutMs = check.timeoutMs ?? 2000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const answer = await Promise.race([Promise.resolve().then(check.check), timedOut]);
    return answer === false
      ? { name: check.name, ok: false, error: 'reported not ready' }
      : { name: check.name, ok: true };
  } catch (error) {
    return { name: check.name, ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
