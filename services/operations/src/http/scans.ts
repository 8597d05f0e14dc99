import { AppError, rateLimited } from '@microshop/platform';
import type { FastifyReply } from 'fastify';

// The message browser's running scans, one per operator: a second one while the first runs is a 429
// (it does not cancel the first: two tabs must not silently stop each other). A scan ends early when
// its operator cancels it (DELETE /api/v1/ops/kafka/scans/mine) or when its caller goes away — the
// page aborts its request, the gateway aborts the upstream one — and the reader stops at its next
// fetch (the AbortSignal goes through to topic-browse.ts).

export function scanRegistry() {
  const running = new Map<string, AbortController>();

  async function run<T>(
    who: string,
    reply: FastifyReply,
    scan: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (running.has(who)) throw rateLimited('a scan of yours is still running; wait for it or cancel it');
    const controller = new AbortController();
    running.set(who, controller);
    // The slot is freed at once: the next scan need not wait for this one's last fetch to return.
    const stop = () => {
      controller.abort();
      if (running.get(who) === controller) running.delete(who);
    };
    const gone = () => {
      if (!reply.raw.writableFinished) stop();
    };
    reply.raw.once('close', gone);
    try {
      return await scan(controller.signal);
    } catch (error) {
      if (controller.signal.aborted) throw new AppError('CONFLICT', 'the scan was cancelled');
      throw error;
    } finally {
      reply.raw.off('close', gone);
      if (running.get(who) === controller) running.delete(who);
    }
  }

  /** Stops the operator's running scan; false when none runs. */
  function cancel(who: string): boolean {
    const controller = running.get(who);
    controller?.abort();
    running.delete(who);
    return controller !== undefined;
  }

  return { run, cancel };
}
