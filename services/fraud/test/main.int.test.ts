import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProducer, deleteConsumerGroups } from '@microshop/platform';
import {
  createTestSchema,
  createTestTopics,
  testDatabaseUrl,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { after, orderCreated } from './fixtures.ts';
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

test('the process starts ready with its configured limit, judges orders from Kafka and stops cleanly on SIGTERM', async (t) => {
  const db = await createTestSchema('fraud_main', t);
  const [eventsTopic, deadLetterTopic] = await createTestTopics(
    t,
    [uniqueTopic('fraud-main'), uniqueTopic('fraud-main-dlq')],
    bootstrapServers,
  );
  assert.ok(eventsTopic && deadLetterTopic);
  const consumerGroup = uniqueGroup('fraud-main');
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
      CONSUMER_GROUP: consumerGroup,
      FRAUD_LIMIT_MINOR: '10000',
      INSTANCE_ID: 'fraud-1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  // After the process is gone; a member killed mid-test stays in its group until its session times out.
  t.after(() =>
    deleteConsumerGroups({ bootstrapServers, groups: [consumerGroup], clientId: 'test-cleanup' }).catch(
      () => {},
    ),
  );
  const base = `http://127.0.0.1:${port}`;

  await eventually(
    'GET /ready to answer 200',
    async () => (await fetchJson(`${base}/ready`))?.status === 200,
    30_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; the process wrote:\n${output.join('')}`);
  });

  const start = new Date();
  const first = orderCreated({ total: 6_000, at: start });
  const second = orderCreated({ customerId: first.customerId, total: 4_000, at: after(start, 1_000) });
  const producer = createProducer({ bootstrapServers, clientId: 'fraud-main-test', logger });
  t.after(() => producer.close());
  await producer.send(
    [first, second].map((e) => ({ topic: eventsTopic, key: e.customerId, value: e, headers: { id: e.id } })),
  );

  const url = `${base}/api/v1/fraud/customers/${first.customerId}/sessions`;
  const sessions = await eventually('both orders judged over HTTP', async () => {
    const answer = (await fetchJson(url))?.body as
      | { sessions?: { orders: { result: string }[] }[] }
      | undefined;
    return answer?.sessions?.[0]?.orders.length === 2 ? answer.sessions : null;
  });
  assert.ok(sessions);
  assert.deepEqual(
    sessions[0]?.orders.map((o) => o.result),
    ['PASS', 'FAIL'],
    'FRAUD_LIMIT_MINOR=10000: 60.00 + 40.00 reaches 100.00',
  );

  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, output.join(''));
  assert.match(output.join(''), /"msg":"service stopped"/);
});
