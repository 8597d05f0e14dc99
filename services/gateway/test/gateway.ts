import { after } from 'node:test';
import { createLogger, createMetrics, type HttpApp } from '@microshop/platform';
import { testAccess } from '@microshop/platform/testing';
import { MergedOpenApi } from '../src/clients/merged-openapi.ts';
import { UpstreamRegistry } from '../src/clients/upstreams.ts';
import type { ServiceName } from '../src/domain/routes.ts';
import { build, type RateLimit } from '../src/http/routes.ts';

/** A gateway built the way main builds it, minus listening, for `app.inject()`. */

/** The issuer whose tokens every test gateway trusts, as the real one trusts the customers service's. */
export const { issuer, access, asOperator } = await testAccess();

export interface GatewayOptions {
  timeoutMs?: number;
  bodyLimitBytes?: number;
  responseBufferBytes?: number;
  rate?: RateLimit;
  trustedProxies?: string[];
  webRoot?: string;
}

export interface TestGateway {
  app: HttpApp;
  upstreams: UpstreamRegistry;
}

export async function givenGateway(
  origins: Partial<Record<ServiceName, string[]>>,
  options: GatewayOptions = {},
): Promise<TestGateway> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const upstreams = new UpstreamRegistry(origins, { connections: 16, timeoutMs });
  const app = await build({
    logger: createLogger({ service: 'gateway-test', level: 'silent' }),
    metrics: createMetrics('gateway-test'),
    upstreams,
    rateLimit: options.rate ?? { ratePerSecond: 10_000, burst: 10_000 },
    openapi: new MergedOpenApi(() => upstreams.all(), {
      info: { title: 'microshop API', version: '9.9.9', description: 'merged' },
      cacheMs: 0,
      fetchTimeoutMs: 1000,
    }),
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    proxy: { timeoutMs, responseBufferBytes: options.responseBufferBytes ?? 1024 * 1024 },
    access,
    requestTimeoutMs: 15_000,
    ...(options.trustedProxies === undefined ? {} : { trustedProxies: options.trustedProxies }),
    ...(options.webRoot === undefined ? {} : { webRoot: options.webRoot }),
  });
  after(async () => {
    await app.close();
    await upstreams.close();
  });
  await app.ready();
  return { app, upstreams };
}
