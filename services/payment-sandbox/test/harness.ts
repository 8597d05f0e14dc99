import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { createMetrics, type HttpApp } from '@microshop/platform';
import { serviceTestKit } from '@microshop/platform/testing';
import type { BehaviourSettings } from '../src/domain/tokens.ts';
import { build, idempotencyKeyHeader } from '../src/http/routes.ts';
import { service } from '../src/main.ts';

// What the sandbox tests share: an app (not listening; `inject`) closed when the file is done.

export const { logger } = serviceTestKit(service);

export async function sandbox(settings: Partial<BehaviourSettings> = {}): Promise<HttpApp> {
  const app = await build({
    logger,
    metrics: createMetrics('payment-sandbox-test'),
    settings: { slowMs: 200, errorTimes: 2, ...settings },
  });
  after(() => app.close());
  await app.ready();
  return app;
}

export function chargeBody(source: string, orderId: string = randomUUID(), amount = 5000) {
  return { amount, currency: 'EUR', source, metadata: { orderId } };
}

export function postCharge(app: HttpApp, body: unknown, key: string | null = randomUUID()) {
  return app.inject({
    method: 'POST',
    url: '/v1/charges',
    headers: key === null ? {} : { [idempotencyKeyHeader]: key },
    payload: body as Record<string, unknown>,
  });
}

export function postRefund(app: HttpApp, body: unknown, key: string | null = randomUUID()) {
  return app.inject({
    method: 'POST',
    url: '/v1/refunds',
    headers: key === null ? {} : { [idempotencyKeyHeader]: key },
    payload: body as Record<string, unknown>,
  });
}

/** The charges the sandbox holds for an order, as a test counts them. */
export async function chargesOf(app: HttpApp, orderId: string): Promise<{ id: string; amount: number }[]> {
  const response = await app.inject({ method: 'GET', url: `/v1/charges?orderId=${orderId}` });
  return response.json().data;
}
