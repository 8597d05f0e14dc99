import type { Logger } from 'pino';
import { sleep } from './retry.ts';

export interface OffsetToCommit {
  topic: string;
  partition: number;
  /** The next offset to read, i.e. the handled message's offset + 1 (Kafka's convention). */
  offset: bigint;
  leaderEpoch: number;
}

export type CommitFunction = (offsets: OffsetToCommit[]) => Promise<void>;

export interface OffsetCommitter {
  /** Records that everything before `offset` on that partition is done. Ignored once closed. */
  mark(offset: OffsetToCommit): void;
  /** Resolves when every marked offset is committed (or, once closed, given up on). */
  flush(): Promise<void>;
  /** Stops accepting marks; a failing commit is then retried a few times only, so shutdown ends. */
  close(): void;
}

export interface OffsetCommitterOptions {
  commit: CommitFunction;
  logger: Logger;
  retryDelayMs?: number;
  /** Commit attempts after close() before the remaining offsets are given up (they are then redelivered). */
  attemptsAfterClose?: number;
  /**
   * The least time between the starts of two commit requests (default 0). Marks made meanwhile are merged
   * into the next request, so under load a member sends a few commits a second instead of one per batch
   * handled; close() ends the wait. A crash loses at most this long of commits: those records are
   * redelivered, and the inbox skips the ones already applied.
   */
  intervalMs?: number;
}

/**
 * Commits what handlers have finished, one request at a time. Marks arriving while a commit is in
 * flight are merged (highest offset per partition) into the next request: a commit per message would
 * cost a round trip each, and two concurrent commits could land out of order and move an offset back.
 */
export function createOffsetCommitter(options: OffsetCommitterOptions): OffsetCommitter {
  const pending = new Map<string, OffsetToCommit>();
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const attemptsAfterClose = options.attemptsAfterClose ?? 3;
  const intervalMs = options.intervalMs ?? 0;
  let draining: Promise<void> | null = null;
  let closed = false;
  let lastStartedAt = Number.NEGATIVE_INFINITY;
  /** Ends the wait between two requests at once: close() calls it. */
  let wake = () => {};

  /** null when the interval has passed (no await, so a request starts in the same tick as its mark). */
  function waitForInterval(): Promise<void> | null {
    const remaining = lastStartedAt + intervalMs - performance.now();
    if (closed || remaining <= 0) return null;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, remaining);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  function merge(offset: OffsetToCommit): void {
    const key = `${offset.topic}:${offset.partition}`;
    const current = pending.get(key);
    if (!current || current.offset < offset.offset) pending.set(key, offset);
  }

  async function drain(): Promise<void> {
    let failuresAfterClose = 0;
    while (pending.size > 0) {
      const wait = waitForInterval();
      if (wait) await wait;
      const batch = [...pending.values()];
      pending.clear();
      lastStartedAt = performance.now();
      try {
        await options.commit(batch);
      } catch (error) {
        for (const offset of batch) merge(offset);
        if (closed && ++failuresAfterClose >= attemptsAfterClose) {
          options.logger.error(
            { err: error, offsets: describe(batch) },
            'giving up committing offsets: they will be redelivered',
          );
          pending.clear();
          return;
        }
        options.logger.warn({ err: error, offsets: describe(batch) }, 'offset commit failed, retrying');
        await sleep(retryDelayMs);
      }
    }
  }

  function startDraining(): void {
    if (draining) return;
    draining = drain().finally(() => {
      draining = null;
      // A mark can slip in between the loop's last check and this callback.
      if (pending.size > 0) startDraining();
    });
  }

  return {
    mark(offset) {
      if (closed) return;
      merge(offset);
      startDraining();
    },
    async flush() {
      while (draining) await draining;
    },
    close() {
      closed = true;
      wake();
    },
  };
}

function describe(offsets: OffsetToCommit[]): string[] {
  return offsets.map((o) => `${o.topic}:${o.partition}@${o.offset}`);
}
