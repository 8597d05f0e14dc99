import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import {
  registerPaymentMethodRequestSchema,
  registerPaymentMethodResponseSchema,
} from '@microshop/contracts';
import { buildHttpApp, createMetrics, type Logger } from '@microshop/platform';

/**
 * The payments service as the orders service sees it while placing an order: its one internal route,
 * on a port of its own, answering by the shared contract (the card token in, a `pm_` reference out,
 * the same for the same caller and card). A test double at the HTTP boundary, as the sandboxes are
 * for the outside world: the orders tests stay inside their service, and the route itself is tested
 * in payments (the e2e tests run the two together). It remembers every token it was handed.
 */
export interface PaymentsStandIn {
  url: string;
  /** The tokens handed over, by reference. */
  tokens: Map<string, string>;
}

const referenceKey = Buffer.alloc(32, 9);

export async function startPaymentsStandIn(logger: Logger): Promise<PaymentsStandIn> {
  const tokens = new Map<string, string>();
  const app = await buildHttpApp({
    serviceName: 'payments-stand-in',
    logger,
    metrics: createMetrics('payments-stand-in'),
    openapi: { title: 'payments stand-in', version: '0' },
  });
  app.post(
    '/internal/v1/payment-methods',
    {
      schema: {
        'x-access': 'customer',
        body: registerPaymentMethodRequestSchema,
        response: { 200: registerPaymentMethodResponseSchema },
      },
    },
    async (request) => {
      // As payments does: the same reference for the same customer (the token's subject) and card.
      const subject = subjectOf(request.headers.authorization);
      const mac = createHmac('sha256', referenceKey).update(`${subject}\u0000${request.body.token}`);
      const reference = `pm_${mac.digest('base64url').slice(0, 32)}`;
      tokens.set(reference, request.body.token);
      return { reference };
    },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  after(() => app.close());
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, tokens };
}

/** The `sub` of a bearer JWT (unverified: the orders instance under test verified it already). */
function subjectOf(authorization: string | undefined): string {
  const payload = authorization?.split('.')[1];
  if (payload === undefined) return 'anonymous';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: string };
  return claims.sub ?? 'anonymous';
}
