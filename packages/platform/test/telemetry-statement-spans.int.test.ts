import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { topics } from '@microshop/contracts';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type pg from 'pg';
import { createPool, withTransaction } from '../src/db/pool.ts';
import { appendToOutbox, outboxTableSql } from '../src/outbox.ts';
import { traceStatements } from '../src/telemetry/statement-spans.ts';
import { createTestSchema, recordSpans, type TestSchema } from '../src/testing/index.ts';

// A SQL statement's span is made by the kit (telemetry/statement-spans.ts) only when the statement
// failed or took `minMs`, after it answered, under the span active when it was sent. Checked against
// the test PostgreSQL, with the process's spans kept in memory.

const spans = recordSpans();
const db: TestSchema = await createTestSchema('platform_statement_spans');
await db.pool.query(outboxTableSql(db.name));

function tracedPool(minMs: number): pg.Pool {
  const pool = createPool({
    connectionString: db.url,
    schema: db.name,
    applicationName: 'test:spans',
    max: 1,
  });
  pool.on('connect', (client) => traceStatements(client, { minMs }));
  return pool;
}
const slow = tracedPool(50);
const every = tracedPool(0);
after(() => Promise.all([slow.end(), every.end()]));

const tracer = trace.getTracer('test');

/** Runs `work` inside a new span; the statement spans made under it, in the order they ended. */
async function under(
  work: () => Promise<unknown>,
): Promise<{ parent: ReadableSpan; statements: ReadableSpan[] }> {
  let spanId = '';
  await tracer.startActiveSpan('work', async (span) => {
    spanId = span.spanContext().spanId;
    try {
      await work();
    } catch {
      // the statement's failure is what the caller's test looks at
    } finally {
      span.end();
    }
  });
  const ended = spans.ended();
  const parent = ended.find((span) => span.spanContext().spanId === spanId);
  assert.ok(parent);
  const statements = ended.filter((span) => span.parentSpanContext?.spanId === spanId);
  return { parent, statements };
}

const ms = (span: ReadableSpan) => span.duration[0] * 1000 + span.duration[1] / 1e6;

describe('statement spans', () => {
  test('a quick statement makes none; a slow one makes one under the active span, with its real times and text', async () => {
    await slow.query('SELECT 1'); // the connection made, outside the measured work
    const { parent, statements } = await under(async () => {
      await slow.query('SELECT $1::int AS n', [1]);
      await slow.query('SELECT pg_sleep($1)', [0.06]);
    });
    assert.equal(statements.length, 1, statements.map((span) => span.name).join(', '));
    const [statement] = statements;
    assert.ok(statement);
    assert.equal(statement.name, `pg.query:SELECT ${db.url.split('/').pop()?.split('?')[0]}`);
    assert.equal(statement.spanContext().traceId, parent.spanContext().traceId);
    assert.equal(statement.attributes['db.system.name'], 'postgresql');
    assert.equal(statement.attributes['db.query.text'], 'SELECT pg_sleep($1)');
    assert.ok(ms(statement) >= 50 && ms(statement) < ms(parent), `${ms(statement)} ms`);
    assert.equal(statement.status.code, SpanStatusCode.UNSET);
    assert.ok(!JSON.stringify(statement.attributes).includes('0.06'), 'no parameter is recorded');
  });

  test('a failed statement makes one however quick, and the caller still gets the error', async () => {
    let caught: unknown;
    const { statements } = await under(async () => {
      await slow.query('SELECT 1 / $1::int', [0]).catch((error: unknown) => {
        caught = error;
      });
    });
    assert.match(String(caught), /division by zero/);
    assert.equal(statements.length, 1);
    assert.equal(statements[0]?.status.code, SpanStatusCode.ERROR);
    assert.match(statements[0]?.status.message ?? '', /division by zero/);
    assert.equal(statements[0]?.attributes['error.type'], '22012');
  });

  test('outside any span no statement makes one', async () => {
    const before = spans.ended().length;
    await slow.query('SELECT pg_sleep($1)', [0.06]);
    assert.equal(spans.ended().length, before);
  });

  test('with 0 every statement makes one, in each of the ways pg is called', async () => {
    const { statements } = await under(async () => {
      await every.query('SELECT 1 AS promised');
      // pool.query with a callback: the pool's client is called with one too.
      await new Promise<void>((resolve, reject) =>
        every.query('SELECT 2 AS called_back', (error) => (error ? reject(error) : resolve())),
      );
      const client = await every.connect();
      try {
        await new Promise<void>((resolve, reject) => {
          client.query({
            text: 'SELECT 3 AS configured',
            callback: (error: Error | null) => (error ? reject(error) : resolve()),
          } as pg.QueryConfig);
        });
      } finally {
        client.release();
      }
    });
    assert.deepEqual(
      statements.map((span) => span.attributes['db.query.text']),
      ['SELECT 1 AS promised', 'SELECT 2 AS called_back', 'SELECT 3 AS configured'],
    );
  });

  test('a transaction: each statement, the ones carrying BEGIN and COMMIT along included', async () => {
    const transaction = () =>
      withTransaction(every, async (client) => {
        await client.query('SELECT $1::int AS first', [1]);
        const id = randomUUID();
        const payload = { id, type: 'Test', occurredAt: new Date().toISOString(), source: 'test' };
        await appendToOutbox(client, [{ id, topic: topics.orderOutbox, key: id, type: 'Test', payload }]);
      });
    await under(transaction); // the connection parses both statements
    const { statements } = await under(transaction);
    assert.deepEqual(
      statements.map((span) => span.name.split(' ')[0]),
      ['pg.query:SELECT', 'pg.query:INSERT'],
      'BEGIN went with the SELECT, COMMIT with the outbox insert',
    );
  });
});
