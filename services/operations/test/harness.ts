import { createMetrics, type HttpApp, type Pool } from '@microshop/platform';
import {
  createTestIssuer,
  serviceTestKit,
  type TestIssuer,
  type TestSchema,
  testKafkaBootstrapServers,
} from '@microshop/platform/testing';
import { type ConnectClient, createConnectClient } from '../src/clients/connect.ts';
import { currentEventFlow } from '../src/handlers/heartbeats.ts';
import { build, type HttpDeps } from '../src/http/routes.ts';
import { service } from '../src/main.ts';
import type { RecordTimes } from '../src/tasks/lag-ages.ts';
import { createOperationsMetrics } from '../src/tasks/metrics.ts';
import { sampler } from '../src/tasks/sampler.ts';

// What the integration tests share: a migrated throwaway schema, a quiet logger, the HTTP app with
// access control on (tokens from a test issuer), and a client of the test stack's Kafka Connect.

export const { logger, migratedSchema } = serviceTestKit(service);

export const issuer: TestIssuer = await createTestIssuer();

export function testConnect(): ConnectClient {
  return createConnectClient({ url: process.env.CONNECT_URL ?? 'http://127.0.0.1:28083', logger });
}

export const eventFlowThresholdMs = 30_000;

/** The HTTP app, with the metrics registry and the sampler behind it (`kafka` adds the console's reads). */
export async function opsApp(
  db: Pick<TestSchema, 'pool'>,
  connect: ConnectClient = testConnect(),
  extra: Pick<HttpDeps, 'kafka' | 'groups'> & { recordTimes?: RecordTimes } = {},
) {
  const pool: Pool = db.pool;
  const metrics = createMetrics('operations-test');
  const eventFlow = currentEventFlow({ pool, thresholdMs: eventFlowThresholdMs, startedAt: new Date() });
  const samples = sampler({
    pool,
    bootstrapServers: [testKafkaBootstrapServers()],
    metrics: createOperationsMetrics(metrics),
    eventFlow,
    ...(extra.recordTimes === undefined ? {} : { recordTimes: extra.recordTimes }),
  });
  const app = await build({
    ...(extra.kafka === undefined ? {} : { kafka: extra.kafka }),
    ...(extra.groups === undefined ? {} : { groups: extra.groups }),
    pool,
    logger,
    metrics,
    connect,
    eventFlow,
    eventFlowThresholdMs,
    sample: samples.current,
    access: { verify: issuer.verify },
  });
  await app.ready();
  return { app, registry: metrics, samples };
}

export async function httpApp(db: Pick<TestSchema, 'pool'>, connect?: ConnectClient): Promise<HttpApp> {
  return (await opsApp(db, connect)).app;
}
