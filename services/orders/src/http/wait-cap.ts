import { rateLimited } from '@microshop/platform';

/**
 * At most `max` blocking GETs per principal waiting at once on this instance: each holds a
 * connection and a waiter for up to the wait cap, so one client must not hold them all. The one over
 * the cap is told at once (429), never queued.
 */
export interface WaitCap {
  /** Takes a place for `subject` or throws RATE_LIMITED; call the returned function when done. */
  enter(subject: string): () => void;
}

export function createWaitCap(max: number): WaitCap {
  const waiting = new Map<string, number>();
  return {
    enter(subject) {
      const count = waiting.get(subject) ?? 0;
      if (count >= max) {
        throw rateLimited(
          `at most ${max} blocking GETs may wait at once per caller; retry when one has answered`,
        );
      }
      waiting.set(subject, count + 1);
      let left = false;
      return () => {
        if (left) return;
        left = true;
        const now = (waiting.get(subject) ?? 1) - 1;
        if (now === 0) waiting.delete(subject);
        else waiting.set(subject, now);
      };
    },
  };
}
