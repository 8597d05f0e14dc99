import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inboxMessageOf } from '../src/inbox.ts';
import type { EventConsumer } from '../src/kafka/consumer.ts';
import { createLogger } from '../src/logger.ts';
import { createMetrics } from '../src/metrics.ts';
import { outboxMessage } from '../src/outbox.ts';
import { createConsumerRunner, groupConsumerOptions, listenHttp } from '../src/wiring.ts';

/** Records stop steps as runService would, so a test can run them in its order (last first). */
function stopSteps() {
  const steps: { label: string; stop: () => unknown }[] = [];
  return {
    onStop: (label: string, stop: () => unknown) => steps.push({ label, stop }),
    labels: () => steps.map((step) => step.label),
    runAll: async () => {
      for (const step of [...steps].reverse()) await step.stop();
    },
  };
}

function fakeConsumer(name: string, journal: string[]): EventConsumer {
  return {
    start: async () => void journal.push(`start ${name}`),
    stop: async () => void journal.push(`stop ${name}`),
  };
}

describe('groupConsumerOptions', () => {
  test('the broker, group, client id and dead-letter topic come from config', () => {
    const logger = createLogger({ service: 'test', level: 'silent' });
    const metrics = createMetrics('test');
    const options = groupConsumerOptions(
      {
        KAFKA_BOOTSTRAP_SERVERS: ['127.0.0.1:9092'],
        CONSUMER_GROUP: 'fraud',
        INSTANCE_ID: 'fraud-2',
        DEAD_LETTER_TOPIC: 'microshop.dead-letter',
      },
      { logger, metrics },
    );
    assert.deepEqual(options, {
      bootstrapServers: ['127.0.0.1:9092'],
      groupId: 'fraud',
      clientId: 'fraud-2',
      logger,
      metrics,
      deadLetter: { topic: 'microshop.dead-letter' },
    });
  });
});

describe('createConsumerRunner', () => {
  test('is running only once every consumer has started, and no longer once the first one stops', async () => {
    const journal: string[] = [];
    const stops = stopSteps();
    const runner = createConsumerRunner(stops.onStop);
    const running: boolean[] = [runner.running()];
    const second = fakeConsumer('orders', journal);
    second.start = async () => {
      running.push(runner.running());
      journal.push('start orders');
    };

    await runner.start({ references: fakeConsumer('references', journal), orders: second });
    running.push(runner.running());
    await stops.runAll();

    assert.deepEqual(running, [false, false, true]);
    assert.equal(runner.running(), false);
    assert.deepEqual(stops.labels(), ['references', 'orders']);
    assert.deepEqual(journal, ['start references', 'start orders', 'stop orders', 'stop references']);
  });

  test('a consumer that fails to start is still registered to stop, and the runner never reports running', async () => {
    const journal: string[] = [];
    const stops = stopSteps();
    const runner = createConsumerRunner(stops.onStop);
    const broken = fakeConsumer('broken', journal);
    broken.start = async () => {
      throw new Error('no broker');
    };

    await assert.rejects(runner.start({ broken }), /no broker/);

    assert.equal(runner.running(), false);
    await stops.runAll();
    assert.deepEqual(journal, ['stop broken']);
  });
});

describe('listenHttp', () => {
  test('listens on HTTP_HOST:HTTP_PORT and registers closing as the step "http"', async () => {
    const calls: unknown[] = [];
    const app = {
      listen: async (options: unknown) => {
        calls.push(options);
        return '';
      },
      close: async () => {
        calls.push('closed');
      },
    };
    const stops = stopSteps();

    await listenHttp(app as unknown as Parameters<typeof listenHttp>[0], {
      config: { HTTP_HOST: '127.0.0.1', HTTP_PORT: 8111 },
      onStop: stops.onStop,
    });
    await stops.runAll();

    assert.deepEqual(calls, [{ host: '127.0.0.1', port: 8111 }, 'closed']);
    assert.deepEqual(stops.labels(), ['http']);
  });
});

describe('inboxMessageOf and outboxMessage', () => {
  const event = {
    id: '0b7d8a55-1e2f-4a3b-8c9d-0e1f2a3b4c5d',
    type: 'OrderValidation',
    occurredAt: '2025-03-01T10:00:00.000Z',
    source: 'fraud',
    orderId: 'a1b2c3d4-0000-4000-8000-000000000001',
  };

  test('the inbox entry takes the header event id, else the event’s own, and the message’s position', () => {
    const position = { topic: 'microshop.order-outbox', partition: 2, offset: 41n };
    assert.deepEqual(inboxMessageOf({ ...position, eventId: 'from-header' }, event.id), {
      eventId: 'from-header',
      ...position,
    });
    assert.equal(inboxMessageOf({ ...position, eventId: null }, event.id).eventId, event.id);
  });

  test('the outbox row carries the envelope’s id and type and the whole envelope as payload', () => {
    assert.deepEqual(outboxMessage(event, { topic: 'microshop.order-validations', key: event.orderId }), {
      id: event.id,
      topic: 'microshop.order-validations',
      key: event.orderId,
      type: 'OrderValidation',
      payload: event,
    });
  });
});
