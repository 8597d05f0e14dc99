import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
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
  collectMessages,
  createConsumerTestBed,
  eventually,
  uniqueGroup,
} from '@microshop/platform/testing';
import { startDeadLetterReader } from '../src/clients/dead-letter-reader.ts';
import { indexDeadLetters } from '../src/handlers/dead-letters.ts';
import { redriveResolver } from '../src/tasks/redrive-resolver.ts';
import { redriveSender } from '../src/tasks/redrive-sender.ts';
import { httpApp, issuer, logger, migratedSchema } from './harness.ts';

// Dead letters end to end within the service, on the real Kafka and PostgreSQL: a consumer group parks
// a message it cannot handle, the reader indexes it, an operator reads and redrives it over HTTP, the
// sender produces it back addressed to that group, which (its bug fixed) handles it exactly once.

const db = await migratedSchema('operations_dlq');

interface Bed {
  app: HttpApp;
  topic: string;
  groupId: string;
  /** Events the test group applied, by event id. */
  applied: string[];
  /** Until set, the group refuses every event as a business rule would: at once, for good. */
  fix(): void;
  produce(value: object, headers?: Record<string, string>): Promise<void>;
  send(): Promise<number>;
  resolve(): Promise<number>;
  operator: { subject: string; headers: { authorization: string } };
}

async function givenBed(t: CleanupRegistrar & { name: string }): Promise<Bed> {
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
    index: indexDeadLetters({ pool: db.pool, services: ['group-ops-dlq'] }),
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
    send: redriveSender({ pool: db.pool, producer, perPass: 50, logger }),
    resolve: redriveResolver({ pool: db.pool, bootstrapServers: [bed.bootstrapServers] }),
    operator: await issuer.operator(),
  };
}

async function call(bed: Bed, method: 'GET' | 'POST', url: string, payload?: object) {
  const response = await bed.app.inject({
    method,
    url,
    headers: bed.operator.headers,
    ...(payload === undefined ? {} : { payload }),
  });
  return { status: response.statusCode, body: response.json() };
}

async function theDeadLetterOf(bed: Bed, status = 'open') {
  return eventually(`a ${status} dead letter of ${bed.groupId}`, async () => {
    const page = await call(bed, 'GET', `/api/v1/ops/dead-letters?group=${bed.groupId}&status=${status}`);
    return page.body.items?.[0] as { id: string; failures: number } | undefined;
  });
}

function event() {
  const id = randomUUID();
  return { id, type: 'TestHappened', occurredAt: new Date().toISOString(), source: 'test' };
}

describe('dead letters', () => {
  test('indexed with where and why it failed, the record kept byte for byte', async (t) => {
    const bed = await givenBed(t);
    const parked = event();
    await bed.produce(parked, { traceparent: '00-abc-def-01' });

    const { id } = await theDeadLetterOf(bed);
    const shown = await call(bed, 'GET', `/api/v1/ops/dead-letters/${id}`);

    assert.equal(shown.status, 200);
    assert.equal(shown.body.group, bed.groupId);
    assert.equal(shown.body.service, 'group-ops-dlq', 'the group belongs to the service it is named after');
    assert.deepEqual(shown.body.origin, { topic: bed.topic, partition: 0, offset: '0' });
    assert.equal(shown.body.code, 'VALIDATION_FAILED');
    assert.equal(shown.body.error, 'refused until fixed');
    assert.equal(shown.body.attempts, 1);
    assert.equal(shown.body.eventId, parked.id);
    assert.deepEqual(shown.body.value.json, parked);
    assert.equal(shown.body.key.text, 'customer-7');
    assert.deepEqual(
      shown.body.headers.map((h: { name: string; value: { text: string } }) => [h.name, h.value.text]),
      [['traceparent', '00-abc-def-01']],
      'the original headers, without the dlq.* ones',
    );
  });

  test('redriven to its topic for the failed group only, handled once however often it is redriven, and audited', async (t) => {
    const bed = await givenBed(t);
    const parked = event();
    await bed.produce(parked, { traceparent: '00-abc-def-01' });
    const { id } = await theDeadLetterOf(bed);
    bed.fix();

    const asked = await call(bed, 'POST', '/api/v1/ops/dead-letters/redrive', {
      ids: [id],
      expectedCount: 1,
      reason: 'bug fixed',
    });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    assert.deepEqual(asked.body.warnings, []);
    assert.equal((await call(bed, 'GET', `/api/v1/ops/dead-letters/${id}`)).body.status, 'redriving');
    assert.equal(await bed.send(), 1);
    await eventually('the fixed group handled the redriven event', async () => bed.applied.length === 1);

    const [copy] = await collectMessages({ topic: bed.topic, until: (ms) => ms.length >= 2 }).then((ms) =>
      ms.slice(1),
    );
    assert.equal(copy?.key, 'customer-7');
    assert.deepEqual(copy?.value, parked);
    assert.equal(copy?.headers.traceparent, '00-abc-def-01');
    assert.equal(copy?.headers['redrive.group'], bed.groupId);
    assert.equal(copy?.headers['redrive.id'], id);
    assert.equal(copy?.headers['redrive.count'], '1');
    assert.equal(copy?.headers['redrive.by'], bed.operator.subject);
    assert.equal(
      Object.keys(copy?.headers ?? {}).some((name) => name.startsWith('dlq.')),
      false,
    );

    const again = await call(bed, 'POST', '/api/v1/ops/dead-letters/redrive', {
      ids: [id],
      expectedCount: 1,
    });
    assert.equal(again.status, 202);
    assert.match(again.body.warnings[0]?.message ?? '', /already redriven 1 time/);
    await bed.send();
    await eventually('both redrives resolved', async () => {
      await bed.resolve();
      const shown = await call(bed, 'GET', `/api/v1/ops/dead-letters/${id}`);
      return shown.body.redrives.every((r: { state: string }) => r.state === 'resolved') ? shown : undefined;
    });
    assert.deepEqual(bed.applied, [parked.id], 'the inbox skipped the second copy');

    const audit = await call(bed, 'GET', `/api/v1/ops/audit?targetId=${id}`);
    assert.deepEqual(
      audit.body.items
        .map((e: { action: string; actor: string; result: string }) => [
          e.action,
          e.actor,
          e.result.split(' ')[0],
        ])
        .reverse(),
      [
        ['dead-letter.redrive', bed.operator.subject, 'pending'],
        ['dead-letter.redriven', bed.operator.subject, 'produced'],
        ['dead-letter.redrive', bed.operator.subject, 'pending'],
        ['dead-letter.redriven', bed.operator.subject, 'produced'],
      ],
    );
    assert.equal(audit.body.items.at(-1).reason, 'bug fixed');
  });

  test('a redriven copy that fails again reopens its dead letter instead of making a new one', async (t) => {
    const bed = await givenBed(t);
    await bed.produce(event());
    const { id } = await theDeadLetterOf(bed);

    await call(bed, 'POST', '/api/v1/ops/dead-letters/redrive', { ids: [id], expectedCount: 1 });
    await bed.send();
    const reopened = await eventually('the dead letter failed again', async () => {
      const shown = await call(bed, 'GET', `/api/v1/ops/dead-letters/${id}`);
      return shown.body.failures === 2 ? shown.body : undefined;
    });

    assert.equal(reopened.status, 'open');
    assert.equal(reopened.redriveCount, 1);
    const all = await call(bed, 'GET', `/api/v1/ops/dead-letters?group=${bed.groupId}`);
    assert.equal(all.body.total, 1, 'still one dead letter');
    const audit = await call(bed, 'GET', `/api/v1/ops/audit?targetId=${id}&action=dead-letter.failed-again`);
    assert.equal(audit.body.items[0]?.actor, 'system');
  });

  test('an action states its count: a mismatch, a discard without a reason, a bad token change nothing', async (t) => {
    const bed = await givenBed(t);
    await bed.produce(event());
    await bed.produce(event());
    await eventually('two dead letters', async () => {
      const page = await call(bed, 'GET', `/api/v1/ops/dead-letters?group=${bed.groupId}`);
      return page.body.total === 2 ? true : undefined;
    });
    const filter = { group: bed.groupId };

    const dry = await call(bed, 'POST', '/api/v1/ops/dead-letters/discard', {
      filter,
      dryRun: true,
      reason: 'test data',
    });
    assert.deepEqual([dry.status, dry.body.count, dry.body.dryRun], [200, 2, true]);
    const mismatch = await call(bed, 'POST', '/api/v1/ops/dead-letters/discard', {
      filter,
      expectedCount: 1,
      reason: 'test data',
    });
    assert.equal(mismatch.status, 409);
    assert.match(mismatch.body.detail, /2 dead letters match, not the 1 confirmed/);
    const noReason = await call(bed, 'POST', '/api/v1/ops/dead-letters/discard', {
      filter,
      expectedCount: 2,
    });
    assert.equal(noReason.status, 400);
    const anonymous = await bed.app.inject({
      method: 'POST',
      url: '/api/v1/ops/dead-letters/discard',
      payload: { filter, expectedCount: 2, reason: 'test data' },
    });
    assert.equal(anonymous.statusCode, 401);
    const customer = await issuer.customer();
    const forbidden = await bed.app.inject({
      method: 'GET',
      url: '/api/v1/ops/dead-letters',
      headers: customer.headers,
    });
    assert.equal(forbidden.statusCode, 403);
    assert.equal(
      (await call(bed, 'GET', `/api/v1/ops/dead-letters?group=${bed.groupId}&status=open`)).body.total,
      2,
    );

    const done = await call(bed, 'POST', '/api/v1/ops/dead-letters/discard', {
      filter,
      expectedCount: 2,
      reason: 'test data',
    });
    assert.deepEqual([done.status, done.body.count], [200, 2]);
    const discarded = await call(
      bed,
      'GET',
      `/api/v1/ops/dead-letters?group=${bed.groupId}&status=discarded`,
    );
    assert.equal(discarded.body.total, 2, 'marked, never deleted');
    const refused = await call(bed, 'POST', '/api/v1/ops/dead-letters/redrive', {
      ids: [discarded.body.items[0].id],
      expectedCount: 1,
    });
    assert.equal(refused.status, 409);
  });

  test('a pending redrive can be cancelled; pages are stable both ways', async (t) => {
    const bed = await givenBed(t);
    for (let i = 0; i < 3; i++) await bed.produce(event());
    await eventually('three dead letters', async () => {
      const page = await call(bed, 'GET', `/api/v1/ops/dead-letters?group=${bed.groupId}`);
      return page.body.total === 3 ? true : undefined;
    });

    const first = await call(bed, 'GET', `/api/v1/ops/dead-letters?group=${bed.groupId}&limit=2`);
    const second = await call(
      bed,
      'GET',
      `/api/v1/ops/dead-letters?group=${bed.groupId}&limit=2&after=${first.body.next}`,
    );
    const back = await call(
      bed,
      'GET',
      `/api/v1/ops/dead-letters?group=${bed.groupId}&limit=2&before=${second.body.prev}`,
    );
    assert.equal(first.body.items.length, 2);
    assert.equal(first.body.prev, null);
    assert.equal(second.body.items.length, 1);
    assert.equal(second.body.next, null);
    assert.deepEqual(back.body, first.body, 'the previous page is the first page again');

    const asked = await call(bed, 'POST', '/api/v1/ops/dead-letters/redrive', {
      filter: { group: bed.groupId },
      expectedCount: 3,
    });
    const cancelled = await call(bed, 'POST', `/api/v1/ops/redrives/${asked.body.batchId}/cancel`, {
      reason: 'wrong filter',
    });
    assert.deepEqual(cancelled.body.counts, { pending: 0, produced: 0, resolved: 0, cancelled: 3 });
    assert.equal(await bed.send(), 0, 'nothing left to produce');
    assert.equal(
      (await call(bed, 'GET', `/api/v1/ops/dead-letters?group=${bed.groupId}&status=open`)).body.total,
      3,
    );
  });
});
