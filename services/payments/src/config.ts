import { createHash } from 'node:crypto';
import { type TopicName, topics } from '@microshop/contracts';
import {
  type CircuitBreakerSettings,
  commaList,
  envInteger,
  envProfile,
  type HttpRetrySettings,
  isLocalProfile,
  serviceConfig,
} from '@microshop/platform';
import { z } from 'zod';
import { parseTokenKey } from './store/token-cipher.ts';

const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a topic name');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/**
 * The environment of the payments service, read once by the kit. The provider is found at
 * `PAYMENT_PROVIDER_URL`, else at the first of `UPSTREAM_PAYMENT_SANDBOX` (the stack runner gives
 * every service every other service's URLs); one of the two is required. Topic, group and schema
 * names default to the real ones and are overridable so a test runs the process on its own.
 */
export const paymentsConfig = z
  .object({
    ...serviceConfig({ name: 'payments', port: 8105 }),
    /** Where the order status events come from. */
    ORDER_EVENTS_TOPIC: topicName.default(topics.orderOutbox),
    /** Where the payment events go (through the outbox). */
    PAYMENTS_TOPIC: topicName.default(topics.payments),
    PAYMENT_PROVIDER_URL: httpUrl.optional(),
    /** Comma-separated base URLs of the sandbox; the first is used (its state is in memory). */
    UPSTREAM_PAYMENT_SANDBOX: z.string().optional(),
    /** Per provider request; the sandbox's tok_slow takes 3000 ms, so it is retried. */
    PAYMENT_TIMEOUT_MS: envInteger({ min: 10, max: 120_000, default: 2_000 }),
    /**
     * Attempts of one provider request (same idempotency key) before the event is retried later. With
     * the timeout and the waits they bound how long one event holds its partition (README: the budget).
     */
    PAYMENT_MAX_ATTEMPTS: envInteger({ min: 1, max: 20, default: 3 }),
    PAYMENT_RETRY_BACKOFF_MS: envInteger({ min: 1, max: 60_000, default: 200 }),
    PAYMENT_MAX_BACKOFF_MS: envInteger({ min: 1, max: 600_000, default: 1_000 }),
    /** Failed attempts in a row (any order's) that open the circuit: calls then fail at once. */
    PAYMENT_BREAKER_FAILURES: envInteger({ min: 1, max: 1_000, default: 5 }),
    /** How long the circuit stays open before one trial call may go through. */
    PAYMENT_BREAKER_HALF_OPEN_MS: envInteger({ min: 10, max: 600_000, default: 5_000 }),
    /**
     * Handler calls before an event failing for an unknown reason (a bug) is dead-lettered. A provider
     * that is down is waited out by the kit's consumer, however long it takes.
     */
    CONSUMER_MAX_ATTEMPTS: envInteger({ min: 1, max: 1_000, default: 10 }),
    CONSUMER_RETRY_BACKOFF_MS: envInteger({ min: 1, max: 600_000, default: 1_000 }),
    /** How often the reconciliation asks the provider about charges whose outcome payments does not know. */
    RECONCILE_INTERVAL_MS: envInteger({ min: 100, max: 3_600_000, default: 30_000 }),
    /** How long after a charge was sent (or the order ended) before it asks, and between two asks. */
    RECONCILE_AFTER_MS: envInteger({ min: 0, max: 86_400_000, default: 60_000 }),
    /**
     * How long after the last charge was sent "the provider has no charge" is taken as final: longer
     * than a provider may hold a request before it charges.
     */
    RECONCILE_SETTLE_MS: envInteger({ min: 0, max: 86_400_000, default: 600_000 }),
    MICROSHOP_PROFILE: envProfile,
    /**
     * The keys card tokens are encrypted with at rest: comma-separated, each 32 bytes in base64; the
     * first encrypts, every one decrypts (add the new one first to rotate, drop the old one once the
     * tokens it sealed are gone). Required outside the dev and test profiles.
     */
    PAYMENT_TOKEN_KEYS: z
      .string()
      .transform(commaList)
      .refine((keys) => keys.length > 0 && keys.every((key) => parseTokenKey(key) !== null), {
        message: 'must be comma-separated 32-byte keys in base64 (e.g. `openssl rand -base64 32`)',
      })
      .optional(),
    /**
     * A token registered this recently is kept even when no order payments knows still needs it:
     * its order's OrderCreated may not have arrived yet. An outage of the event flow holds that event
     * back (and the watchdog's deadlines wait for it): an hour rides out any outage the stack is
     * expected to survive.
     */
    PAYMENT_METHOD_GRACE_MS: envInteger({ min: 0, max: 7 * 86_400_000, default: 3_600_000 }),
    /** How often tokens past their grace and no longer needed are looked for. */
    PAYMENT_METHOD_PURGE_INTERVAL_MS: envInteger({ min: 100, max: 86_400_000, default: 60_000 }),
  })
  .superRefine((config, context) => {
    if (config.PAYMENT_TOKEN_KEYS === undefined && !isLocalProfile(config.MICROSHOP_PROFILE)) {
      context.addIssue({
        code: 'custom',
        path: ['PAYMENT_TOKEN_KEYS'],
        message: 'is required outside the dev and test profiles: card tokens are encrypted with it',
      });
    }
    if (config.PAYMENT_PROVIDER_URL !== undefined) return;
    const first = firstUpstream(config.UPSTREAM_PAYMENT_SANDBOX);
    if (first === undefined || !httpUrl.safeParse(first).success) {
      context.addIssue({
        code: 'custom',
        path: ['PAYMENT_PROVIDER_URL'],
        message: 'set it, or UPSTREAM_PAYMENT_SANDBOX, to the payment provider base URL (http://host:port)',
      });
    }
  });
export type PaymentsConfig = z.output<typeof paymentsConfig>;

/**
 * The dev and test profiles' key when none is configured: a fixed, published value, so it protects
 * nothing; a production process never uses it (the config refuses to start without real keys).
 */
const localTokenKey = createHash('sha256').update('microshop dev and test card token key').digest();

/** The token keys, the encrypting one first. */
export function tokenKeysOf(config: PaymentsConfig): Buffer[] {
  const configured = (config.PAYMENT_TOKEN_KEYS ?? []).map(parseTokenKey);
  const keys = configured.filter((key): key is Buffer => key !== null);
  if (keys.length > 0) return keys;
  if (isLocalProfile(config.MICROSHOP_PROFILE)) return [localTokenKey];
  throw new Error('PAYMENT_TOKEN_KEYS is required outside the dev and test profiles');
}

function firstUpstream(list: string | undefined): string | undefined {
  return list
    ?.split(',')
    .map((url) => url.trim())
    .find((url) => url !== '');
}

/** The provider's base URL; loadConfig has checked that there is one. */
export function providerUrlOf(config: PaymentsConfig): string {
  const url = config.PAYMENT_PROVIDER_URL ?? firstUpstream(config.UPSTREAM_PAYMENT_SANDBOX);
  if (url === undefined) throw new Error('no payment provider URL configured');
  return url;
}

/**
 * How one provider request is retried (same idempotency key): bounded, so a provider that stays
 * down makes the handler give up with a retriable error and the consumer wait (README: the budget).
 */
export function providerRetryOf(config: PaymentsConfig): Omit<HttpRetrySettings, 'retryStatus'> {
  return {
    maxAttempts: config.PAYMENT_MAX_ATTEMPTS,
    initialMs: config.PAYMENT_RETRY_BACKOFF_MS,
    maxMs: config.PAYMENT_MAX_BACKOFF_MS,
  };
}

/** Only the catalog's topics exist on the stack's broker; another name is a test's own topic. */
export function paymentsTopicOf(config: PaymentsConfig): TopicName {
  return config.PAYMENTS_TOPIC as TopicName;
}

/** The provider's circuit breaker: after enough failed attempts in a row, calls fail at once for a while. */
export function providerBreakerOf(config: PaymentsConfig): CircuitBreakerSettings {
  return {
    consecutiveFailures: config.PAYMENT_BREAKER_FAILURES,
    halfOpenAfterMs: config.PAYMENT_BREAKER_HALF_OPEN_MS,
  };
}
