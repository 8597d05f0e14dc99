import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProducer } from '@microshop/platform';
import {
  createTestSchema,
  createTestTopics,
  testDatabaseUrl,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { orderEvent } from './fixtures.ts';
import { eventually, logger } from './harness.ts';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const bootstrapServers = testKafkaBootstrapServers();

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function fetchJson(url: string): Promise<{ status: number; body: unknown } | null> {
  try {
    const response = await fetch(url);
    return { status: response.status, body: await response.json() };
  } catch {
    return null; // not listening yet
  }
}

test('the process starts ready, projects events, expires stuck orders and stops cleanly on SIGTERM', async (t) => {
  const db = await createTestSchema('order_background_main', t);
  const [eventsTopic, deadLetterTopic] = await createTestTopics(
    t,
    [uniqueTopic('order-background-main'), uniqueTopic('order-background-main-dlq')],
    bootstrapServers,
  );
  assert.ok(eventsTopic && deadLetterTopic);
  const port = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [mainFile], {
    env: {
      ...process.env,
      HTTP_PORT: String(port),
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_SCHEMA: db.name,
      KAFKA_BOOTSTRAP_SERVERS: bootstrapServers,
      ORDER_EVENTS_TOPIC: eventsTopic,
      DEAD_LETTER_TOPIC: deadLetterTopic,
      CONSUMER_GROUP: uniqueGroup('order-background-main'),
      WATCHDOG_CREATED_DEADLINE_MS: '1000',
      WATCHDOG_INTERVAL_MS: '50',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const base = `http://127.0.0.1:${port}`;

  await eventually(
    'GET /ready to answer 200',
    async () => (await fetchJson(`${base}/ready`))?.status === 200,
    30_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; the process wrote:\n${output.join('')}`);
  });

  const stuck = orderEvent('CREATED', { at: new Date(Date.now() - 10_000) });
  const producer = createProducer({ bootstrapServers, clientId: 'order-background-main-test', logger });
  t.after(() => producer.close());
  await producer.send([
    { topic: eventsTopic, key: stuck.customerId, value: stuck, headers: { id: stuck.id } },
  ]);

  const timeline = await eventually('the timeline over HTTP', async () => {
    const answer = await fetchJson(`${base}/api/v1/orders/${stuck.orderId}/timeline`);
    return answer?.status === 200 ? answer.body : null;
  });
  assert.deepEqual(timeline, {
    orderId: stuck.orderId,
    customerId: stuck.customerId,
    timeline: [{ status: 'CREATED', at: stuck.order.updatedAt, reasons: [] }],
  });
  await eventually('the watchdog to mark the expiry sent', async () => {
    const result = await db.pool.query(
      'SELECT 1 FROM order_deadlines WHERE order_id = $1 AND expiry_sent_at IS NOT NULL',
      [stuck.orderId],
    );
    return result.rowCount === 1;
  });

  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, output.join(''));
  assert.match(output.join(''), /"msg":"service stopped"/);
});
