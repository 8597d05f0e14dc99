import { randomUUID } from 'node:crypto';
import {
  AppError,
  asMessageHandler,
  createProducer,
  deleteConsumerGroups,
  type HttpApp,
  transactional,
} from '@microshop/platform';
import {
  type CleanupRegistrar,
  createConsumerTestBed,
  eventually,
  type TestSchema,
  uniqueGroup,
} from '@microshop/platform/testing';
import { oneByOne, startDeadLetterReader } from '../src/clients/dead-letter-reader.ts';
import { indexDeadLetters } from '../src/handlers/dead-letters.ts';
import { redriveResolver } from '../src/tasks/redrive-resolver.ts';
import { redriveGraceMs, redriveSender } from '../src/tasks/redrive-sender.ts';
import { httpApp, issuer, logger } from './harness.ts';

// A consumer group that parks what it cannot handle, the dead-letter reader indexing its topic, the
// operator API, and the redrive sender and resolver, on the real Kafka and PostgreSQL.

export interface Bed {
  app: HttpApp;
  topic: string;
  groupId: string;
  /** Events the test group applied, by event id. */
  applied: string[];
  /** Until set, the group refuses every event as a business rule would: at once, for good. */
  fix(): void;
  produce(value: object, headers?: Record<string, string>): Promise<void>;
  /** A pass of the sender, with no grace after a request. */
  send(): Promise<number>;
  /** A pass of the sender as the service runs it: a redrive asked for within its grace waits. */
  sendWithGrace(): Promise<number>;
  resolve(): Promise<number>;
  operator: { subject: string; headers: { authorization: string } };
}

export async function givenBed(t: CleanupRegistrar, db: TestSchema): Promise<Bed> {
  const bed = await createConsumerTestBed(t, { prefix: 'ops-dlq', logger });
  let fixed = false;
  const applied: string[] = [];
  const handler = transactional({
    decode: (message) => message.value as { id: string },
    apply: async (event) => {
      if (!fixed) throw new AppError('VALIDATION_FAILED', 'refused until fixed');
      applied.push(event.id);
    },
  });
  await bed.consume(asMessageHandler(handler, { pool: db.pool, consumer: bed.groupId }));
  const readerGroup = uniqueGroup('ops-dlq-reader');
  const reader = await startDeadLetterReader({
    bootstrapServers: [bed.bootstrapServers],
    topic: bed.deadLetterTopic,
    groupId: readerGroup,
    clientId: 'ops-dlq-reader',
    logger,
    index: oneByOne(indexDeadLetters({ pool: db.pool, services: ['group-ops-dlq'] })),
  });
  const producer = createProducer({
    bootstrapServers: bed.bootstrapServers,
    clientId: 'ops-redrive',
    logger,
  });
  const app = await httpApp(db);
  t.after(async () => {
    await app.close();
    await reader.stop();
    await producer.close();
    await deleteConsumerGroups({ bootstrapServers: bed.bootstrapServers, groups: [readerGroup] });
  });
  return {
    app,
    topic: bed.topic,
    groupId: bed.groupId,
    applied,
    fix: () => {
      fixed = true;
    },
    produce: async (value, headers = {}) => {
      await bed.producer.send([{ topic: bed.topic, key: 'customer-7', value, headers }]);
    },
    send: redriveSender({ pool: db.pool, producer, perPass: 50, graceMs: 0, logger }),
    sendWithGrace: redriveSender({ pool: db.pool, producer, perPass: 50, graceMs: redriveGraceMs, logger }),
    resolve: redriveResolver({ pool: db.pool, bootstrapServers: [bed.bootstrapServers] }),
    operator: await issuer.operator(),
  };
}

export async function call(bed: Bed, method: 'GET' | 'POST', url: string, payload?: object) {
  const response = await bed.app.inject({
    method,
    url,
    headers: bed.operator.headers,
    ...(payload === undefined ? {} : { payload }),
  });
  return { status: response.statusCode, body: response.json() };
}

export async function theDeadLetterOf(bed: Bed, status = 'open') {
  return eventually(`a ${status} dead letter of ${bed.groupId}`, async () => {
    const page = await call(bed, 'GET', `/api/v1/ops/dead-letters?group=${bed.groupId}&status=${status}`);
    return page.body.items?.[0] as { id: string; failures: number } | undefined;
  });
}

export function event() {
  const id = randomUUID();
  return { id, type: 'TestHappened', occurredAt: new Date().toISOString(), source: 'test' };
}
