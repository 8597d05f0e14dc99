// Load generators for the benchmarks: closed loop (N clients, each sends its next request when the
// previous one answered) and open loop (a fixed arrival rate, independent of answers); and waiting
// for what the load set off to arrive.
import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  /** Latencies in ms of the successful requests. */
  latencies: number[];
}

export type Request = (pool: Pool) => Promise<boolean>;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

export function summarize(latencies: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

export async function closedLoop(
  baseUrl: string,
  clients: number,
  seconds: number,
  request: Request,
): Promise<LoadResult> {
  const pool = new Pool(baseUrl, { connections: clients, pipelining: 1 });
  const result: LoadResult = { requests: 0, errors: 0, seconds, latencies: [] };
  const end = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const ok = await request(pool).catch(() => false);
      if (ok) {
        result.requests++;
        result.latencies.push(performance.now() - t0);
      } else result.errors++;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  await pool.close();
  return result;
}

/** Fires `rate` requests per second for `seconds`, each on schedule whether or not earlier ones answered. */
export async function openLoop(
  baseUrl: string,
  rate: number,
  seconds: number,
  request: Request,
): Promise<LoadResult> {
  const pool = new Pool(baseUrl, { connections: 64, pipelining: 1 });
  const result: LoadResult = { requests: 0, errors: 0, seconds, latencies: [] };
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      request(pool).then(
        (ok) => {
          if (ok) result.requests++;
          else result.errors++;
        },
        () => {
          result.errors++;
        },
      ),
    );
  }
  await Promise.all(inflight);
  result.seconds = (performance.now() - start) / 1000;
  await pool.close();
  return result;
}

/** Polls `condition` every 50 ms until it holds or `timeoutMs` has passed (then returns all the same). */
export async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition() && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
}
