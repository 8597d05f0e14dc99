import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildHttpApp } from '../src/http/app.ts';
import { answerOnceJournaled } from '../src/http/journaled-answers.ts';
import { groupCommit } from '../src/journal.ts';
import { createMetrics } from '../src/metrics.ts';
import { capturingLogger } from './log-capture.ts';
import { manualFlushes, settledWithin as settled } from './manual-flushes.ts';

/** An app whose POST /records appends a line to a journal the test flushes by hand. */
async function givenApp() {
  const { calls: flushes, flush } = manualFlushes();
  const lines = groupCommit(flush);
  const app = await buildHttpApp({
    serviceName: 'test',
    logger: capturingLogger().logger,
    metrics: createMetrics('test'),
    readiness: [],
    openapi: { title: 'Test API', version: '1.0.0' },
  });
  answerOnceJournaled(app, lines);
  app.post('/records', async (_request, reply) => {
    lines.add('a record\n');
    return reply.status(201).send({ written: true });
  });
  app.get('/records', async () => ({ count: flushes.length }));
  return { app, flushes };
}

describe('answers of a service that keeps a journal', () => {
  test('wait until what was appended before them is on disk; with nothing appended, they go at once', async () => {
    const { app, flushes } = await givenApp();
    const answer = app.inject({ method: 'POST', url: '/records' });
    assert.equal(await settled(answer), false, 'answered before the record was flushed');
    assert.equal(flushes.length, 1);

    const read = app.inject({ method: 'GET', url: '/records' });
    assert.equal(await settled(read), false, 'a read waits for what was appended before it');

    flushes[0]?.finish();
    const written = await answer;
    assert.deepEqual([written.statusCode, written.json()], [201, { written: true }]);
    assert.equal((await read).statusCode, 200);
    const idle = app.inject({ method: 'GET', url: '/records' });
    assert.equal(await settled(idle), true, 'with nothing appended, an answer goes at once');
    await app.close();
  });

  test('a journal that failed to write fails the answer with a problem, not a hang or a success', async () => {
    const { app, flushes } = await givenApp();
    const answer = app.inject({ method: 'POST', url: '/records' });
    await settled(answer);
    flushes[0]?.fail(new Error('EIO: i/o error, fdatasync'));
    const failed = await answer;
    assert.equal(failed.statusCode, 500);
    assert.match(String(failed.headers['content-type']), /^application\/problem\+json/);
    assert.equal(failed.json().code, 'INTERNAL');
    const later = await app.inject({ method: 'GET', url: '/records' });
    assert.equal(later.statusCode, 500, 'a broken journal answers nothing from its store');
    await app.close();
  });
});
