import { envHttpHost, envInteger, envLogLevel, envPort } from '@microshop/platform';
import { z } from 'zod';
import type { BehaviourSettings } from './domain/tokens.ts';

/**
 * The environment of the payment sandbox, read once by the kit. It needs neither a database nor
 * Kafka: its ledger is a file under DATA_DIR (in memory without one); two settings shape its test
 * tokens.
 */
export const sandboxConfig = z.object({
  HTTP_HOST: envHttpHost,
  HTTP_PORT: envPort(8110),
  LOG_LEVEL: envLogLevel,
  /** How long a `tok_slow` charge takes to answer (longer than the payments service waits). */
  SANDBOX_SLOW_MS: envInteger({ min: 0, max: 600_000, default: 3_000 }),
  /** How many attempts with one idempotency key a `tok_error` charge fails (500/503) before it succeeds. */
  SANDBOX_ERROR_TIMES: envInteger({ min: 0, max: 1_000, default: 2 }),
  INSTANCE_ID: z.string().min(1).default('payment-sandbox'),
  /** Where the ledger (charges, refunds, idempotency keys) survives a restart; unset: in memory only. */
  DATA_DIR: z.string().min(1).optional(),
});
export type SandboxConfig = z.output<typeof sandboxConfig>;

export function settingsOf(config: SandboxConfig): BehaviourSettings {
  return { slowMs: config.SANDBOX_SLOW_MS, errorTimes: config.SANDBOX_ERROR_TIMES };
}
