import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type OrderEvent, sandboxTokens } from '@microshop/contracts';
import { createProducer } from '@microshop/platform';
import { eventually, fetchJson, freePort, startServiceProcess } from '@microshop/platform/testing';
import { paymentMethodsPath } from '../src/http/payment-methods.ts';
import { newOrder, orderEvent } from './fixtures.ts';
import { asOperator, issuer, logger, startSandbox } from './harness.ts';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const sandbox = await startSandbox();

test('the process charges a validated order from its topic, answers GET, and stops cleanly on SIGTERM', async (t) => {
  const { service, topics, bootstrapServers } = await startServiceProcess(mainFile, t, {
    name: 'payments-main',
    topics: { ORDER_EVENTS_TOPIC: 'orders', PAYMENTS_TOPIC: 'payments', DEAD_LETTER_TOPIC: 'dlq' },
    issuer,
    env: {
      // As the stack runner passes it: every instance of the sandbox, comma-separated; the first is used.
      UPSTREAM_PAYMENT_SANDBOX: `${sandbox.url},http://127.0.0.1:9`,
      PAYMENT_TOKEN_KEYS: Buffer.alloc(32, 7).toString('base64'),
      LOG_LEVEL: 'warn',
    },
  });
  const eventsTopic = topics.ORDER_EVENTS_TOPIC;

  const order = newOrder(990);
  const producer = createProducer({ bootstrapServers, clientId: 'payments-main-test', logger });
  t.after(() => producer.close());
  const asPublished = (event: OrderEvent) => ({
    topic: eventsTopic,
    key: event.customerId,
    value: event,
    headers: { id: event.id },
  });
  // As the orders service does: the card token to payments, with the customer's token, and its
  // reference into OrderCreated.
  const registered = await fetch(`${service.base}${paymentMethodsPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await issuer.customer(order.customerId)).headers },
    body: JSON.stringify({ token: sandboxTokens.success }),
  });
  assert.equal(registered.status, 200);
  const { reference } = (await registered.json()) as { reference: string };
  const created = orderEvent(order, 'CREATED');
  const withReference = { ...created, payment: { reference } } as OrderEvent;
  await producer.send([withReference, orderEvent(order, 'VALIDATED')].map(asPublished));

  const payment = await eventually('the order to be charged', async () => {
    const answer = await fetchJson(`${service.base}/api/v1/payments/${order.orderId}`, asOperator);
    return (answer?.body as { status?: string } | undefined)?.status === 'SUCCEEDED' ? answer : null;
  });
  assert.equal(payment.status, 200);
  assert.equal((await sandbox.charges(order.orderId)).length, 1);
  assert.equal(await service.stop(), 0, service.output.join(''));
});

test('the process refuses to start without a payment provider URL, naming the variable', async () => {
  const output: string[] = [];
  const child = spawn(process.execPath, [mainFile], {
    env: {
      ...process.env,
      HTTP_PORT: String(await freePort()),
      PAYMENT_PROVIDER_URL: '',
      UPSTREAM_PAYMENT_SANDBOX: '',
      // Nothing listens there: should the check ever let it start, it cannot touch a real schema.
      DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => output.push(String(chunk)));
  child.stderr.on('data', (chunk) => output.push(String(chunk)));

  const [code] = await once(child, 'exit');

  assert.equal(code, 1);
  assert.match(output.join(''), /PAYMENT_PROVIDER_URL/);
});
