import { type TopicName, topics } from '@microshop/contracts';
import { envInteger, envTopic, serviceConfig } from '@microshop/platform';
import { z } from 'zod';
import type { SessionRules } from './domain/session.ts';

/**
 * The environment of the fraud service, read once by main.ts. Topic, group and schema names default
 * to the real ones and are overridable for tests.
 */
export const fraudConfig = z.object({
  ...serviceConfig({ name: 'fraud', port: 8111 }),
  /** An order more than this long after the session's last order opens a new session. */
  FRAUD_SESSION_GAP_MS: envInteger({ min: 1, default: 3_600_000 }),
  /** Session total (minor units, in the order's currency) at which an order fails: 2000.00. */
  FRAUD_LIMIT_MINOR: envInteger({ min: 1, max: Number.MAX_SAFE_INTEGER, default: 200_000 }),
  ORDER_EVENTS_TOPIC: envTopic(topics.orderOutbox),
  ORDER_VALIDATIONS_TOPIC: envTopic(topics.orderValidations),
});
export type FraudConfig = z.output<typeof fraudConfig>;

export function rulesOf(config: FraudConfig): SessionRules {
  return { gapMs: config.FRAUD_SESSION_GAP_MS, limit: config.FRAUD_LIMIT_MINOR };
}

/**
 * The validations topic as the outbox types it. Only the catalog's topics exist on the stack's
 * broker; another name is a test's own topic, which the outbox takes as it is.
 */
export function validationsTopicOf(config: FraudConfig): TopicName {
  return config.ORDER_VALIDATIONS_TOPIC as TopicName;
}
