import {
  authConfig,
  envHttpHost,
  envInteger,
  envLogLevel,
  envPort,
  envSecretList,
} from '@microshop/platform';
import { z } from 'zod';
import type { WebhookSenderOptions } from './clients/webhook-sender.ts';

/** The sandbox carrier's environment, read once by the kit. No database, no Kafka: a journal under DATA_DIR. */
export const sandboxConfig = z.object({
  HTTP_HOST: envHttpHost,
  HTTP_PORT: envPort(8122),
  LOG_LEVEL: envLogLevel,
  /** Every route is public (see routes.ts); the kit still verifies any token sent. */
  ...authConfig,
  /** Set by the stack runner; names the instance in logs. */
  INSTANCE_ID: z.string().min(1).default('carrier-sandbox'),
  /** From booking to delivery (and the first callback). */
  CARRIER_DELIVERY_DELAY_MS: envInteger({ min: 0, max: 86_400_000, default: 5000 }),
  /**
   * Signs callbacks (X-Carrier-Signature) with the first of these (`new,old` while rotating: the
   * receiver accepts both); unsigned without any, which a receiver refuses.
   */
  CARRIER_WEBHOOK_SECRETS: envSecretList(16).optional(),
  /** The single secret earlier versions read; used when the list is not set. */
  CARRIER_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** A callback not answered within this is a failed attempt. */
  CARRIER_CALLBACK_TIMEOUT_MS: envInteger({ min: 10, max: 120_000, default: 5000 }),
  /** Attempts per callback before the carrier gives up on it. */
  CARRIER_CALLBACK_MAX_ATTEMPTS: envInteger({ min: 1, max: 10_000, default: 20 }),
  /** Delay before the second attempt, doubled each time up to the maximum. */
  CARRIER_CALLBACK_BACKOFF_MS: envInteger({ min: 1, max: 3_600_000, default: 500 }),
  CARRIER_CALLBACK_MAX_BACKOFF_MS: envInteger({ min: 1, max: 3_600_000, default: 30_000 }),
  /** Where bookings and pending callbacks survive a restart; unset: in memory only. */
  DATA_DIR: z.string().min(1).optional(),
});
export type SandboxConfig = z.output<typeof sandboxConfig>;

/** How a callback is retried: exponential from the first wait, capped (never below the first wait). */
export function callbackRetryOf(config: SandboxConfig): WebhookSenderOptions['retry'] {
  return {
    maxAttempts: config.CARRIER_CALLBACK_MAX_ATTEMPTS,
    initialMs: config.CARRIER_CALLBACK_BACKOFF_MS,
    maxMs: Math.max(config.CARRIER_CALLBACK_BACKOFF_MS, config.CARRIER_CALLBACK_MAX_BACKOFF_MS),
  };
}

/** The secret callbacks are signed with: the current (first) one of the list, else the single one. */
export function signingSecretOf(config: SandboxConfig): string | undefined {
  return config.CARRIER_WEBHOOK_SECRETS?.[0] ?? config.CARRIER_WEBHOOK_SECRET;
}
