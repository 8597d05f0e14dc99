import { topics } from '@microshop/contracts';
import { createEventConsumer, type EventConsumer, type Logger, type Registry } from '@microshop/platform';
import type pg from 'pg';
import type { CommandDeps } from '../application/order-commands.ts';
import { createOrderMessageHandler } from './order-messages.ts';

/** One consumer group for everything the orders service reacts to. */
export const ordersConsumerGroup = 'orders';

export const ordersConsumedTopics: readonly string[] = [
  topics.orderDecisions,
  topics.payments,
  topics.shipments,
  topics.orderCommands,
];

export interface OrdersConsumerOptions {
  bootstrapServers: readonly string[] | string;
  pool: pg.Pool;
  commands: CommandDeps;
  logger: Logger;
  clientId: string;
  metrics?: Registry;
  /** Overridable so a test can consume its own topics with its own group. */
  groupId?: string;
  topics?: readonly string[];
  deadLetterTopic?: string;
}

export interface OrdersConsumer extends EventConsumer {
  /** True between a successful start() and stop(): the readiness check. */
  readonly running: boolean;
}

export function createOrdersConsumer(options: OrdersConsumerOptions): OrdersConsumer {
  const groupId = options.groupId ?? ordersConsumerGroup;
  const consumer = createEventConsumer({
    bootstrapServers: options.bootstrapServers,
    groupId,
    clientId: options.clientId,
    topics: options.topics ?? ordersConsumedTopics,
    logger: options.logger,
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    ...(options.deadLetterTopic === undefined ? {} : { deadLetter: { topic: options.deadLetterTopic } }),
    handle: createOrderMessageHandler({ pool: options.pool, commands: options.commands, consumer: groupId }),
  });
  let running = false;
  return {
    start: async () => {
      await consumer.start();
      running = true;
    },
    stop: async () => {
      running = false;
      await consumer.stop();
    },
    get running() {
      return running;
    },
  };
}
