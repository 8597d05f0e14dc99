import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { collectMessages, eventually } from '@microshop/platform/testing';
import { call, event, givenBed, theDeadLetterOf } from './dead-letter-bed.ts';
import { migratedSchema } from './harness.ts';

// Dead letters end to end within the service, on the real Kafka and PostgreSQL: a consumer group parks
// a message it cannot handle, the reader indexes it, an operator reads and redrives it over HTTP, the
// sender produces it back addressed to that group, which (its bug fixed) handles it exactly once.

const db = await migratedSchema('operations_dlq');

describe('dead letters', () => {
  test('indexed with where and why it failed, the record kept byte for byte', async (t) => {
    const bed = await givenBed(t, db);
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

  test('redriven to its topic for the failed group only (a second click within the grace refused), handled once however often it is redriven, and audited', async (t) => {
    const bed = await givenBed(t, db);
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
    // The service's sender waits a second after the request: a double click within it is refused.
    assert.equal(await bed.sendWithGrace(), 0, 'nothing produced within the grace');
    const doubled = await call(bed, 'POST', '/api/v1/ops/dead-letters/redrive', {
      ids: [id],
      expectedCount: 1,
    });
    assert.equal(doubled.status, 409, JSON.stringify(doubled.body));
    assert.match(JSON.stringify(doubled.body), /already pending/);
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
    const bed = await givenBed(t, db);
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
});
