import { topics } from '@microshop/contracts';
import { commaList, commonConfig, envInteger, envPort } from '@microshop/platform';
import { z } from 'zod';
import { ordersConsumedTopics, ordersConsumerGroup } from './handlers/consumer.ts';

const topicName = /^[A-Za-z0-9._-]{1,249}$/;
const topicList = (defaults: readonly string[]) =>
  z
    .string()
    .default(defaults.join(','))
    .transform(commaList)
    .refine(
      (names) => names.length > 0 && names.every((name) => topicName.test(name)),
      'must be a comma-separated list of topic names',
    );

/** The orders service's environment, read and checked once by main. */
export const ordersConfig = z.object({
  ...commonConfig,
  HTTP_PORT: envPort(8101),
  /** Cap of a blocking GET's `timeout`; larger values are capped, not refused. */
  WAIT_MAX_MS: envInteger({ min: 0, max: 600_000, default: 30_000 }),
  /** A blocking GET's timeout when the request gives none (capped by WAIT_MAX_MS). */
  WAIT_DEFAULT_MS: envInteger({ min: 0, max: 600_000, default: 10_000 }),
  /** The consumer group, also the inbox's consumer name. */
  KAFKA_GROUP_ID: z.string().trim().min(1).default(ordersConsumerGroup),
  /** What the consumer reads; overridable so a test or a scratch run uses topics of its own. */
  KAFKA_TOPICS: topicList(ordersConsumedTopics),
  KAFKA_DEAD_LETTER_TOPIC: z
    .string()
    .trim()
    .regex(topicName, 'must be a topic name')
    .default(topics.deadLetter),
  /** Names this instance in logs, pg_stat_activity and the Kafka client id (`orders-1`, `orders-2`). */
  INSTANCE_ID: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 . _ -')
    .default('orders'),
});

export type OrdersConfig = z.output<typeof ordersConfig>;
