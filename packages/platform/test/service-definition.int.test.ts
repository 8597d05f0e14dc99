import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { z } from 'zod';
import { commonConfig, consumerConfig, envPort, serviceInstanceConfig } from '../src/config.ts';
import { buildHttpApp } from '../src/http/app.ts';
import { deleteConsumerGroups } from '../src/kafka/admin.ts';
import { createProducer } from '../src/kafka/producer.ts';
import { transactional } from '../src/kafka/transactional.ts';
import { outboxPublication } from '../src/outbox.ts';
import { defineService } from '../src/service/definition.ts';
import { runStandalone } from '../src/service/standalone.ts';
import type { ServiceRuntime } from '../src/service.ts';
import {
  createTestSchema,
  createTestTopics,
  eventually,
  freePort,
  serveIssuer,
  testAccess,
  testDatabaseUrl,
  testKafkaBootstrapServers,
  testLogger,
  uniqueGroup,
  uniqueTopic,
} from '../src/testing/index.ts';

// The kit's service builder against the real PostgreSQL and Kafka: one definition with every kind of
// part, started as `node main.ts` would start it, then stopped by SIGTERM.

const migrations = await mkdtemp(join(tmpdir(), 'microshop-definition-'));
after(() => rm(migrations, { recursive: true, force: true }));
await writeFile(join(migrations, '001_widgets.sql'), 'CREATE TABLE widget (id text PRIMARY KEY);');

const config = z.object({
  ...commonConfig,
  ...serviceInstanceConfig({ instance: 'widgets', schema: 'widgets' }),
  ...consumerConfig({ group: 'widgets' }),
  HTTP_PORT: envPort(),
  WIDGET_TOPIC: z.string(),
});

function fakeRuntime(): { runtime: ServiceRuntime; signals: EventEmitter; exits: number[]; log: string[] } {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const log: string[] = [];
  return {
    runtime: {
      on: (event, listener) => signals.on(event, listener),
      exit: (code) => void exits.push(code),
      printError: (text) => void log.push(text),
      logDestination: { write: (line: string) => void log.push(line) },
    },
    signals,
    exits,
    log,
  };
}

test('a definition starts database, HTTP, background parts, consumers and tasks, reports them in /ready, and stops them backwards', async (t) => {
  const db = await createTestSchema('kit_definition', t);
  const [topic] = await createTestTopics(t, [uniqueTopic('kit-definition')]);
  assert.ok(topic);
  const group = uniqueGroup('kit-definition');
  const plainGroup = `${group}-plain`;
  t.after(() =>
    deleteConsumerGroups({ bootstrapServers: testKafkaBootstrapServers(), groups: [group, plainGroup] }),
  );
  const port = await freePort();
  const journal: string[] = [];

  const service = defineService({
    name: 'widgets',
    config,
    database: { migrations },
    wire: ({ config: settings, pool, metrics, logger }) => ({
      http: async (base) => {
        const app = await buildHttpApp({
          serviceName: 'widgets',
          ...base,
          openapi: { title: 'w', version: '1' },
        });
        app.get('/widgets', { schema: { 'x-access': 'public' } }, async () => {
          return (await pool.query('SELECT id FROM widget ORDER BY id')).rows;
        });
        app.delete('/widgets', { schema: { 'x-access': 'operator' } }, async () => ({ deleted: 0 }));
        return app;
      },
      background: {
        sender: () => {
          journal.push('start sender');
          return { stop: () => void journal.push('stop sender'), check: () => true };
        },
      },
      consumers: {
        widgets: {
          topics: [settings.WIDGET_TOPIC],
          handle: transactional({
            decode: (message) => {
              const value = message.value as { id?: string };
              return value.id === undefined ? null : { id: value.id };
            },
            apply: async (event, tx) => {
              await tx.client.query('INSERT INTO widget (id) VALUES ($1)', [event.id]);
              tx.afterCommit(() => journal.push(`committed ${event.id}`));
            },
          }),
        },
        // A plain handler whose filter lets through only what it acts on.
        gadgets: {
          topics: [settings.WIDGET_TOPIC],
          group: plainGroup,
          handle: async (message) => void journal.push(`gadget ${message.eventId}`),
          wants: (message) => (message.value as { gadget?: string }).gadget !== undefined,
        },
      },
      tasks: { sweep: { intervalMs: 60_000, run: async () => {} } },
      readiness: [{ name: 'own check', check: () => metrics !== undefined && logger !== undefined }],
    }),
  });

  const fake = fakeRuntime();
  const { issuer, asOperator } = await testAccess();
  const trusted = await serveIssuer(issuer, t);
  const handle = await runStandalone(service, {
    runtime: fake.runtime,
    env: {
      ...trusted.env,
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_SCHEMA: db.name,
      KAFKA_BOOTSTRAP_SERVERS: testKafkaBootstrapServers(),
      CONSUMER_GROUP: group,
      INSTANCE_ID: 'widgets-2',
      HTTP_PORT: String(port),
      WIDGET_TOPIC: topic,
      LOG_LEVEL: 'info',
    },
  });
  assert.ok(handle);

  const ready = await fetch(`http://127.0.0.1:${port}/ready`);
  assert.equal(ready.status, 200);
  const checks = ((await ready.json()) as { checks: { name: string; ok: boolean }[] }).checks;
  assert.deepEqual(
    checks.map((check) => [check.name, check.ok]),
    [
      ['database', true],
      ['consumers (widgets, gadgets)', true],
      ['own check', true],
      ['sender', true],
      ['retention', true],
      ['sweep', true],
    ],
  );
  const published = await db.pool.query(
    'SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2 AND tablename = $3',
    [outboxPublication, db.name, 'outbox'],
  );
  assert.equal(published.rowCount, 1, 'Debezium streams the outbox of a service schema');

  const producer = createProducer({
    bootstrapServers: testKafkaBootstrapServers(),
    clientId: 'kit-definition-test',
    logger: testLogger('kit-definition'),
  });
  t.after(() => producer.close());
  await producer.send([
    { topic, key: 'w', value: { id: 'w-1' }, headers: { id: 'event-1' } },
    { topic, key: 'w', value: { gadget: 'g-1' }, headers: { id: 'event-2' } },
  ]);
  const widgets = await eventually('the widget handled', async () => {
    const answer = (await (await fetch(`http://127.0.0.1:${port}/widgets`)).json()) as { id: string }[];
    return answer.length === 1 ? answer : null;
  });
  assert.deepEqual(widgets, [{ id: 'w-1' }]);
  await eventually('the gadget handled', async () => journal.includes('gadget event-2') || null);
  // Access control comes from the config: tokens of the issuer it names, fetched from its JWKS.
  const remove = (headers: Record<string, string>) =>
    fetch(`http://127.0.0.1:${port}/widgets`, { method: 'DELETE', headers }).then((answer) => answer.status);
  assert.deepEqual([await remove({}), await remove(asOperator)], [401, 200]);
  const inbox = await db.pool.query('SELECT consumer, event_id FROM inbox');
  assert.deepEqual(inbox.rows, [{ consumer: group, event_id: 'event-1' }]);
  const session = await db.pool.query(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'widgets-2'",
  );
  assert.ok(session.rows[0].n >= 1, 'the pool names its connections after the instance');

  fake.signals.emit('SIGTERM');
  await handle.shutdown(0, 'test');
  assert.deepEqual(fake.exits, [0]);
  // The plain handler was called for the one record its filter wants, never for the widget.
  assert.deepEqual(journal.toSorted(), ['committed w-1', 'gadget event-2', 'start sender', 'stop sender']);
  assert.equal(journal.at(-1), 'stop sender');
  const stopped = fake.log
    .map((line) => JSON.parse(line) as { msg?: string; step?: string })
    .filter((entry) => entry.msg === 'stopped')
    .map((entry) => entry.step);
  // Spans still open are flushed last, after everything that could make one has stopped.
  assert.deepEqual(stopped, [
    'sweep',
    'retention',
    'gadgets',
    'widgets',
    'sender',
    'http',
    'database',
    'telemetry',
  ]);
});
