import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '@microshop/platform/testing';
import { call, event, givenBed } from './dead-letter-bed.ts';
import { migratedSchema } from './harness.ts';

// A bulk redrive as a task: chosen by a filter with a time range, produced at the task's own velocity,
// listed with its progress, and audited as a task besides each dead letter's entry.

const db = await migratedSchema('operations_redrive_tasks');

describe('redrive tasks', () => {
  test('a filtered redrive runs at its own velocity, is listed with its progress and audited', async (t) => {
    const bed = await givenBed(t, db);
    const start = new Date(Date.now() - 1000);
    for (let i = 0; i < 4; i++) await bed.produce(event());
    await eventually('four dead letters', async () => {
      const page = await call(bed, 'GET', `/api/v1/ops/dead-letters?group=${bed.groupId}`);
      return page.body.total === 4 ? true : undefined;
    });
    const count = async (filter: object) =>
      (await call(bed, 'POST', '/api/v1/ops/dead-letters/redrive', { filter, dryRun: true })).body.count;
    assert.equal(await count({ group: bed.groupId, failedTo: start.toISOString() }), 0);
    const filter = { group: bed.groupId, failedFrom: start.toISOString() };
    assert.equal(await count(filter), 4);
    const listed = await call(
      bed,
      'GET',
      `/api/v1/ops/dead-letters?group=${bed.groupId}&failedFrom=${start.toISOString()}`,
    );
    assert.equal(listed.body.total, 4);

    const asked = await call(bed, 'POST', '/api/v1/ops/dead-letters/redrive', {
      filter,
      expectedCount: 4,
      ratePerSecond: 2,
      reason: 'bulk after a fix',
    });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    const { batchId } = asked.body;
    assert.equal(await bed.send(), 2, 'two in the first second');
    assert.equal(await bed.send(), 0, 'none more within that second');
    await sleep(1_100);
    assert.equal(await bed.send(), 2, 'two in the next');

    const tasks = await call(bed, 'GET', '/api/v1/ops/redrives?limit=5');
    const task = tasks.body.items.find((item: { batchId: string }) => item.batchId === batchId);
    assert.deepEqual(
      {
        total: task.total,
        ratePerSecond: task.ratePerSecond,
        reason: task.reason,
        done: task.done,
        produced: task.counts.produced,
        group: task.selection.filter.group,
        status: task.selection.filter.status,
      },
      {
        total: 4,
        ratePerSecond: 2,
        reason: 'bulk after a fix',
        done: true,
        produced: 4,
        group: bed.groupId,
        status: ['open'],
      },
    );
    const progress = await call(bed, 'GET', `/api/v1/ops/redrives/${batchId}`);
    assert.equal(progress.body.task.batchId, batchId);
    assert.equal(progress.body.redrives.length, 4);

    const audit = await call(bed, 'GET', `/api/v1/ops/audit?targetType=redrive-batch&targetId=${batchId}`);
    assert.deepEqual(
      audit.body.items.map((entry: { action: string; result: string }) => [entry.action, entry.result]),
      [['redrive-batch.requested', 'pending']],
    );
  });

  test('names the field of a bad velocity or time range', async (t) => {
    const bed = await givenBed(t, db);
    for (const [body, field] of [
      [{ filter: { group: 'g' }, expectedCount: 1, ratePerSecond: 0 }, 'ratePerSecond'],
      [{ filter: { group: 'g', failedFrom: 'yesterday' }, dryRun: true }, 'filter.failedFrom'],
    ] as const) {
      const answer = await call(bed, 'POST', '/api/v1/ops/dead-letters/redrive', body);
      assert.equal(answer.status, 400);
      assert.ok(
        answer.body.errors.some((e: { field: string }) => e.field === field),
        JSON.stringify(answer.body.errors),
      );
    }
    const badQuery = await call(bed, 'GET', '/api/v1/ops/dead-letters?failedTo=soon');
    assert.equal(badQuery.status, 400);
  });
});
