import type { Logger } from '../logger.ts';
import { backoffDelay } from '../pure/backoff.ts';

/**
 * Brings a consumer back into its group when the client library has given up on it.
 *
 * `@platformatic/kafka` rejoins a group once when a heartbeat fails with a group error; when that
 * rejoin fails too — the only broker is still down — it schedules no heartbeat or join again, and the
 * member stays out of its group for good while its process lives on (seen after SIGKILLs of a
 * single-broker stack: consumers of a dozen services idle for minutes, commits refused, orders
 * waiting). The supervisor cannot help, the process is alive. This watch looks at the membership
 * every `checkEveryMs`; once it has been inactive longer than a rebalance may take, it joins again,
 * backing off while joins keep failing.
 */

export interface MembershipWatchOptions {
  isActive: () => boolean;
  joinGroup: () => Promise<unknown>;
  /** False while the consumer is not meant to be a member (not started yet, reopening its stream). */
  isWanted: () => boolean;
  logger: Logger;
  /** How long inactive before a join is tried: longer than a rebalance (default 2 × the session timeout). */
  graceMs: number;
  checkEveryMs?: number;
}

export interface MembershipWatch {
  stop(): void;
}

export function watchMembership(options: MembershipWatchOptions): MembershipWatch {
  let inactiveSince: number | null = null;
  let failedJoins = 0;
  let joining = false;

  const waitBeforeJoin = () =>
    failedJoins === 0
      ? options.graceMs
      : Math.max(options.graceMs, backoffDelay(failedJoins, { initialMs: 2_000, maxMs: 60_000 }));

  const check = () => {
    if (joining || !options.isWanted()) return;
    if (options.isActive()) {
      inactiveSince = null;
      failedJoins = 0;
      return;
    }
    inactiveSince ??= Date.now();
    const inactiveForMs = Date.now() - inactiveSince;
    if (inactiveForMs < waitBeforeJoin()) return;
    joining = true;
    options.logger.warn(
      { inactiveForMs, failedJoins },
      'consumer group membership lost; joining the group again',
    );
    options
      .joinGroup()
      .then(
        () => {
          options.logger.info('joined the consumer group again');
          inactiveSince = null;
          failedJoins = 0;
        },
        (error: unknown) => {
          failedJoins++;
          inactiveSince = Date.now();
          options.logger.error({ err: error, failedJoins }, 'could not join the consumer group again');
        },
      )
      .finally(() => {
        joining = false;
      });
  };

  const timer = setInterval(check, options.checkEveryMs ?? 5_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
