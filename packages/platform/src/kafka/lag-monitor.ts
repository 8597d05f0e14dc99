import type { Consumer } from '@platformatic/kafka';
import type { Logger } from 'pino';

/**
 * Consumer lag per partition, as the consumer itself sees it: the partition's latest offset (asked of
 * the broker every `intervalMs`) less the next offset this member will commit, for each partition it
 * owns and has handled a record of since it got it. Reported through `report`, and `forget` for a
 * partition it no longer owns. The operations service's `microshop_consumer_group_lag` is the
 * broker's view of every group; this one needs no admin client and answers from each member.
 */
export interface LagMonitorOptions {
  consumer: Pick<Consumer<Buffer, Buffer, Buffer, Buffer>, 'listOffsets' | 'isActive'>;
  topics: readonly string[];
  /** The next offset to commit, by `topic:partition`, of the partitions this member owns. */
  positions: () => ReadonlyMap<string, bigint>;
  report(topic: string, partition: number, lag: number): void;
  forget(topic: string, partition: number): void;
  logger: Logger;
  intervalMs?: number;
}

export function startLagMonitor(options: LagMonitorOptions): { stop(): void } {
  const reported = new Set<string>();
  async function tick(): Promise<void> {
    if (!options.consumer.isActive()) return;
    const latest = await options.consumer.listOffsets({ topics: [...options.topics] });
    const positions = options.positions();
    const seen = new Set<string>();
    for (const [topic, partitions] of latest) {
      partitions.forEach((end, partition) => {
        const position = positions.get(`${topic}:${partition}`);
        if (position === undefined) return;
        seen.add(`${topic}:${partition}`);
        options.report(topic, partition, Math.max(0, Number(end - position)));
      });
    }
    for (const key of reported) if (!seen.has(key)) forget(key);
    for (const key of seen) reported.add(key);
  }
  function forget(key: string): void {
    reported.delete(key);
    const at = key.lastIndexOf(':');
    options.forget(key.slice(0, at), Number(key.slice(at + 1)));
  }
  const timer = setInterval(() => {
    tick().catch((error: unknown) => options.logger.debug({ err: error }, 'consumer lag not read'));
  }, options.intervalMs ?? 10_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
