import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from '@microshop/platform/testing';
import { call, event, givenBed } from './dead-letter-bed.ts';
import { issuer, migratedSchema } from './harness.ts';

// What an operator's request must say before anything happens (the count it expects, a reason to
// discard, an operator's token), cancelling a pending redrive, and stable pages.

const db = await migratedSchema('operations_dlq_actions');

describe('dead-letter actions', () => {
  test('an action states its count: a mismatch, a discard without a reason, a bad token change nothing', async (t) => {
    const bed = await givenBed(t, db);
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
    const bed = await givenBed(t, db);
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
