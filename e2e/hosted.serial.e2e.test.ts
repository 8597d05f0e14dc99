// The hosted layout (the default of `npm start`): the backend services shared by host processes (two
// on a machine with two cores or more), the gateway in its own. Sharing a process must not change what
// the system decides: the stock scenario ends exactly as it does on the test stack, where every
// instance has a process of its own. Serial: a second stack.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { opsClient } from '../infra/src/ops-client.ts';
import { databaseUrl, loadSettings } from '../infra/src/settings.ts';
import { type Stack, startStack, stopStack } from '../infra/src/stack.ts';
import { gatewayUrl } from './lib/api.ts';
import { comparable, stockScenario } from './lib/scenarios.ts';
import { awaitStatus, placeOrder, putProduct, registerCustomer, uniqueSku } from './lib/shop.ts';
import { testSettings } from './lib/stack.ts';
import { deliveredSpan, detachedSpans, orderPath, spanListing, traceOfOrder } from './lib/traces.ts';

// Ports above the partitioned stack's (gateway + 300 … + 433), below the ephemeral range.
const port = (aboveGateway: number) => String(testSettings.gateway.port + aboveGateway);
const settings = loadSettings('test', {
  ...process.env,
  TEST_MICROSHOP_HOME: `${testSettings.home}-hosted`,
  TEST_MICROSHOP_LAYOUT: 'hosted',
  TEST_GATEWAY_PORT: port(500),
  TEST_CONNECT_PORT: port(503),
  TEST_SERVICE_PORT_BASE: port(520),
  TEST_SMTP_PORT: port(545),
  TEST_PG_PORT: port(552),
  TEST_KAFKA_PORT: port(612),
  TEST_KAFKA_CONTROLLER_PORT: port(613),
});
const hostedGateway = `http://127.0.0.1:${settings.gateway.port}`;

describe('hosted layout: the services in host processes, the gateway in another', {
  timeout: 900_000,
}, () => {
  let stack: Stack | undefined;

  before(
    async () => {
      await stopStack(settings, () => {}); // leftovers of an interrupted run
      stack = await startStack(settings, { fresh: true, log: () => {} });
    },
    { timeout: 600_000 },
  );
  after(() => stopStack(settings, () => {}), { timeout: 120_000 });

  it('runs every service instance, each on its own port, in the host processes and the gateway process', async () => {
    assert.ok(stack);
    const hostParts = settings.hosts === 1 ? ['services'] : ['services-1', 'services-2'];
    assert.deepEqual(
      stack.processes.map((process) => process.part),
      [...hostParts, 'gateway'],
    );
    const hosted = stack.processes
      .filter((process) => process.part !== 'gateway')
      .flatMap((process) => process.instances.map((instance) => instance.service));
    assert.ok(hosted.includes('orders') && hosted.includes('notifications') && !hosted.includes('gateway'));
    for (const instance of stack.instances) {
      const ready = await fetch(`${instance.url}/ready`);
      assert.equal(ready.status, 200, `${instance.part} is ready`);
    }
    const pids = new Set(
      stack.parts.filter((part) => [...hostParts, 'gateway'].includes(part.name)).map((p) => p.pid),
    );
    assert.equal(pids.size, hostParts.length + 1);
  });

  it('ends the stock scenario exactly as the test stack with a process per instance does', {
    timeout: 300_000,
  }, async () => {
    const split = await stockScenario(gatewayUrl);
    const hosted = await stockScenario(hostedGateway, databaseUrl(settings));
    assert.deepEqual(comparable(hosted), comparable(split));
  });

  it('names the service that made each span, though they share one process and one tracer', {
    timeout: 180_000,
  }, async () => {
    const sku = uniqueSku('E2E-HOSTED-TRACE');
    await putProduct(sku, { unitPrice: 1_000, stock: 3 }, hostedGateway, databaseUrl(settings));
    const customer = await registerCustomer({ baseUrl: hostedGateway });
    const line = { sku, quantity: 1, unitPrice: 1_000 };
    const order = await placeOrder(customer.id, [line], { baseUrl: hostedGateway });
    const ended = await awaitStatus(order.id, ['DELIVERED', 'FAILED', 'CANCELLED'], {
      baseUrl: hostedGateway,
      timeoutMs: 60_000,
    });
    assert.equal(ended.status, 'DELIVERED', JSON.stringify(ended));
    const client = await opsClient(settings);
    const trace = await traceOfOrder(order.id, { services: orderPath, last: deliveredSpan }, { client });
    // A host process's resource says only `microshop-services` (`-1`, `-2`): every span must say more.
    assert.ok(!trace.services.some((name) => name.startsWith('microshop-services')), spanListing(trace));
    assert.deepEqual(detachedSpans(trace), [], spanListing(trace));
  });
});
