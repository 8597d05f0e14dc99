import type { Logger } from 'pino';

/**
 * A task a service runs every `intervalMs` (deadline checks, parked work), one pass at a time: the
 * next pass is scheduled when the previous one ends, so a slow database never piles passes up. A
 * failed pass is logged and the next one tries again; readiness reports the last pass's error.
 */
export interface PeriodicTask {
  /** The readiness check: throws the last pass's error if it failed; false once stopped. */
  check(): boolean;
  /** Stops scheduling and waits for a pass in progress to finish. Idempotent. */
  stop(): Promise<void>;
}

export function startPeriodicTask(options: {
  name: string;
  intervalMs: number;
  logger: Logger;
  run: () => Promise<unknown>;
}): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let lastError: unknown;

  const pass = async (): Promise<void> => {
    try {
      await options.run();
      lastError = undefined;
    } catch (error) {
      lastError = error;
      options.logger.error(
        { err: error, task: options.name },
        `${options.name} pass failed; retrying at the next interval`,
      );
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().then(schedule);
    }, options.intervalMs);
  };
  schedule();

  return {
    check: () => {
      if (lastError !== undefined) throw lastError;
      return !stopped;
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
