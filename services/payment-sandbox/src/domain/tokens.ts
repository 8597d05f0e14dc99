import { sandboxTokens } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';

/**
 * What the sandbox does with each test token, like a real provider's test mode: the token alone
 * decides the outcome, so a test (or a person at the shop's checkout) picks a path by its token.
 * Pure: the attempt number and the settings come in as arguments.
 */

export type TokenBehaviour = 'succeed' | 'decline' | 'slow' | 'flaky';

const behaviours: Readonly<Record<string, TokenBehaviour>> = {
  [sandboxTokens.success]: 'succeed',
  [sandboxTokens.declined]: 'decline',
  [sandboxTokens.slow]: 'slow',
  [sandboxTokens.flaky]: 'flaky',
};

/**
 * null for a token the sandbox does not know (answered 400, like an unknown token at a provider). A
 * test token with a suffix (`tok_visa_<anything>`) behaves like the test token, so a test can use a
 * card token no other test uses.
 */
export function behaviourOf(token: string): TokenBehaviour | null {
  const base = /^(tok_[A-Za-z]+)(?:_[A-Za-z0-9_-]+)?$/.exec(token)?.[1];
  return base !== undefined && Object.hasOwn(behaviours, base) ? (behaviours[base] ?? null) : null;
}

export interface BehaviourSettings {
  /** How long `tok_slow` takes before it answers. */
  slowMs: number;
  /** How many attempts of one idempotency key `tok_error` fails before it succeeds. */
  errorTimes: number;
}

/** The outcome of one attempt at a charge: what the provider answers this time. */
export type ChargeAttempt =
  | { kind: 'charge'; delayMs: number }
  | { kind: 'decline' }
  /** A provider outage: nothing is charged and nothing is remembered, so a retry may succeed. */
  | { kind: 'outage'; status: 500 | 503 };

/** `attempt` counts the attempts made with one idempotency key, 1 for the first. */
export function attemptOutcome(
  behaviour: TokenBehaviour,
  attempt: number,
  settings: BehaviourSettings,
): ChargeAttempt {
  switch (behaviour) {
    case 'succeed':
      return { kind: 'charge', delayMs: 0 };
    case 'decline':
      return { kind: 'decline' };
    case 'slow':
      return { kind: 'charge', delayMs: settings.slowMs };
    case 'flaky':
      if (attempt > settings.errorTimes) return { kind: 'charge', delayMs: 0 };
      // Alternating 500 and 503, the two answers a client sees from a provider having trouble.
      return { kind: 'outage', status: attempt % 2 === 1 ? 500 : 503 };
    default:
      return unreachable(behaviour);
  }
}
