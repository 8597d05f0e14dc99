import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type TopicName, topics } from '@microshop/contracts';
import { asMessageHandler, createEventConsumer, createMetrics, publishOutbox } from '@microshop/platform';
import {
  type CleanupRegistrar,
  createTestTopics,
  eventually,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { readHeartbeats, sendHeartbeat } from '../src/handlers/heartbeats.ts';
import { connectorWatchdog } from '../src/tasks/connector-watchdog.ts';
import { createOperationsMetrics } from '../src/tasks/metrics.ts';
import { issuer, logger, migratedSchema, opsApp, testConnect } from './harness.ts';

// The CDC supervision against the test stack's real Kafka Connect, PostgreSQL and Kafka. The stack's
// own connector is only read (other tests depend on it); what is restarted, paused and resumed is a
// connector of the test's own whose task always fails (it asks for a decoding plugin the server lacks).

const db = await migratedSchema('operations_cdc');
const connectUrl = process.env.CONNECT_URL ?? 'http://127.0.0.1:28083';
const operator = await issuer.operator();

/** A Debezium connector whose task fails at start, with a slot name of its own (never created). */
async function brokenConnector(t: CleanupRegistrar): Promise<string> {
  const name = uniqueTopic('ops-broken').replaceAll('.', '-');
  const slot = name.replaceAll('-', '_').slice(0, 60);
  t.after(async () => {
    await fetch(`${connectUrl}/connectors/${name}`, { method: 'DELETE' });
  });
  const stack = new URL(process.env.DATABASE_URL ?? 'postgres://127.0.0.1:26432/microshop');
  const response = await fetch(`${connectUrl}/connectors/${name}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'tasks.max': '1',
      'database.hostname': '127.0.0.1',
      'database.port': stack.port,
      'database.user': 'microshop_cdc',
      // The stack's CDC password, as the stack's own connector names it: the worker resolves it.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Kafka Connect's config-provider syntax
      'database.password': '${env:MICROSHOP_CDC_PASSWORD}',
      'database.dbname': 'microshop',
      'topic.prefix': name,
      'plugin.name': 'decoderbufs',
      'slot.name': slot,
      'publication.autocreate.mode': 'disabled',
      'table.include.list': 'no_such_schema\\.outbox',
      'snapshot.mode': 'no_data',
    }),
  });
  assert.equal(response.status < 300, true, await response.text());
  const connect = testConnect();
  t.after(() => connect.close());
  await eventually(
    'the test connector FAILED',
    async () => (await connect.status(name).catch(() => null))?.tasks[0]?.state === 'FAILED',
    60_000,
  );
  return name;
}

async function get(app: Awaited<ReturnType<typeof opsApp>>['app'], url: string) {
  const response = await app.inject({ method: 'GET', url, headers: operator.headers });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

describe('CDC supervision', () => {
  test('the watchdog restarts a FAILED task at once, then waits out its backoff; each restart is an alert, a count and an audit entry', async (t) => {
    const broken = await brokenConnector(t);
    const connect = testConnect();
    t.after(() => connect.close());
    const registry = createMetrics('operations-watchdog-test');
    const metrics = createOperationsMetrics(registry);
    const policy = { initialBackoffMs: 60_000, maxBackoffMs: 60_000, healthyAfterMs: 60_000 };
    const watchdog = connectorWatchdog({ pool: db.pool, connect, policy, metrics, logger });

    // The stack's own operations service may be restarting the same connector: pass until this
    // watchdog has seen it FAILED and restarted it, then once more at once.
    const restartsOf = () => registry.getSingleMetricAsString('microshop_connector_restarts_total');
    await eventually('a restart by this watchdog', async () => {
      await watchdog.run();
      return (await restartsOf()).includes(`connector="${broken}"`);
    });
    await watchdog.run();

    const restarts = await restartsOf();
    assert.match(
      restarts,
      new RegExp(`microshop_connector_restarts_total\\{connector="${broken}",service="[^"]+"\\} 1\\b`),
    );
    assert.doesNotMatch(restarts, /connector="microshop-outbox"/, 'the running connector is left alone');
    const running = await registry.getSingleMetricAsString('microshop_connector_running');
    assert.match(running, /microshop_connector_running\{connector="microshop-outbox",service="[^"]+"\} 1/);
    const audit = await db.pool.query(
      `SELECT actor, action, before FROM audit_log WHERE target_type = 'connector' AND target_id = $1`,
      [broken],
    );
    assert.deepEqual(audit.rows, [
      {
        actor: 'watchdog',
        action: 'connector.restart',
        before: { connector: 'RUNNING', 'task 0': 'FAILED' },
      },
    ]);
  });

  test('operators see connectors with their traces, and pause, resume and restart one, audited, seeing the state it went to', async (t) => {
    const broken = await brokenConnector(t);
    const { app } = await opsApp(db);
    t.after(() => app.close());

    const listed = await get(app, '/api/v1/ops/connectors');
    const outbox = listed.connectors.find((c: { name: string }) => c.name === 'microshop-outbox');
    assert.equal(outbox.connector.state, 'RUNNING');
    // The stack's own watchdog may be restarting the broken task this moment; it fails again at once.
    const trace = await eventually('the failed task with its trace', async () => {
      const failing = await get(app, `/api/v1/ops/connectors/${broken}`);
      return typeof failing.tasks[0]?.trace === 'string' ? failing.tasks[0].trace : null;
    });
    assert.match(trace, /Creation of replication slot failed/);

    const act = async (action: string) => {
      const response = await app.inject({
        method: 'POST',
        url: `/api/v1/ops/connectors/${broken}/${action}`,
        headers: operator.headers,
        payload: { reason: 'test' },
      });
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    };
    const paused = await act('pause');
    assert.deepEqual(
      [paused.before.connector.state, paused.after.connector.state, paused.changed],
      ['RUNNING', 'PAUSED', true],
    );
    const resumed = await act('resume');
    assert.equal(resumed.after.connector.state, 'RUNNING');
    const restarted = await act('restart');
    assert.notEqual(restarted.before.tasks[0].state, 'RUNNING', 'its task never runs');
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/ops/connectors/no-such-connector/restart',
      headers: operator.headers,
      payload: {},
    });
    assert.equal(unknown.statusCode, 404);

    const audit = await get(app, `/api/v1/ops/audit?targetType=connector&targetId=${broken}`);
    assert.deepEqual(
      audit.items
        .map((e: { action: string; actor: string; reason: string }) => [e.action, e.actor, e.reason])
        .reverse(),
      [
        ['connector.pause', operator.subject, 'test'],
        ['connector.resume', operator.subject, 'test'],
        ['connector.restart', operator.subject, 'test'],
      ],
    );
  });

  test('events flow: a heartbeat through the outbox comes back from Kafka; slot, outbox and consumer lag are measured', async (t) => {
    const [topic] = await createTestTopics(t, [uniqueTopic('ops-heartbeats')]);
    assert.ok(topic);
    await publishOutbox(db.pool, db.name);
    const group = uniqueGroup('ops-heartbeats');
    const consumer = createEventConsumer({
      bootstrapServers: testKafkaBootstrapServers(),
      groupId: group,
      clientId: 'ops-heartbeats',
      topics: [topic],
      logger,
      handle: asMessageHandler(readHeartbeats(), { pool: db.pool, consumer: group }),
      deadLetter: { topic: topics.deadLetter },
    });
    t.after(() => consumer.stop());
    await consumer.start();
    const { app, registry, samples } = await opsApp(db);
    t.after(() => app.close());

    await sendHeartbeat({ pool: db.pool, topic: topic as TopicName, instance: 'operations-test' })();
    const flow = await eventually('a heartbeat back', async () => {
      const answer = await get(app, '/api/v1/ops/event-flow');
      return answer.lastRoundTripMs === null ? undefined : answer;
    });
    assert.equal(flow.ok, true);
    assert.equal(flow.outboxLagMs, 0, 'nothing still out');

    const slots = await get(app, '/api/v1/ops/replication-slots');
    const slot = slots.slots.find((s: { slot: string }) => s.slot === 'microshop_outbox');
    assert.equal(slot.active, true);
    assert.equal(typeof slot.lagBytes, 'number');
    await samples.run();
    const groups = await get(app, '/api/v1/ops/consumer-groups');
    const mine = groups.groups.find((g: { group: string }) => g.group === group);
    assert.deepEqual(
      mine.partitions.map((p: { topic: string; lag: string }) => [p.topic, p.lag]),
      [[topic, '0']],
    );
    const text = await registry.metrics();
    assert.match(text, /microshop_event_flow_ok\{service="operations-test"\} 1/);
    assert.match(
      text,
      /microshop_replication_slot_lag_bytes\{slot="microshop_outbox",service="operations-test"\} \d+/,
    );
    assert.match(
      text,
      new RegExp(
        `microshop_consumer_group_lag\\{group="${group}",topic="${topic}",partition="0",service="operations-test"\\} 0`,
      ),
    );
  });
});
