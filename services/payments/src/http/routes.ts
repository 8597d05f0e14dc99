import { idSchema } from '@microshop/contracts';
import {
  assertOwner,
  buildHttpApp,
  type HttpApp,
  type HttpBase,
  notFound,
  type Pool,
  problemDetailsSchema,
} from '@microshop/platform';
import { z } from 'zod';
import { findOrderPayments, findPaymentOwner } from '../store/read-models.ts';
import type { TokenCipher } from '../store/token-cipher.ts';
import { registerPaymentMethodRoute } from './payment-methods.ts';

/**
 * The payments API, reached through the gateway under the same path:
 *   GET /api/v1/payments/{orderId}   the order's payment status, its charge(s) and refund(s)
 *                                    (the order's customer, or operators)
 * and, for the orders service only (never through the gateway):
 *   POST /internal/v1/payment-methods   a card token in, its payment reference out
 */

export const paymentsPath = '/api/v1/payments/:orderId';

const moneyFields = {
  amount: z.number().int().nonnegative().describe('Minor units (cents)'),
  currency: z.string(),
};

const chargeView = z
  .object({
    paymentId: z.string().nullable().describe("The provider's charge id; null for a failed charge"),
    status: z.enum(['SUCCEEDED', 'FAILED']),
    ...moneyFields,
    reason: z.string().nullable().describe('Why the charge failed, in words'),
    idempotencyKey: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'PaymentCharge' });

const refundView = z
  .object({
    refundId: z.string(),
    paymentId: z.string(),
    ...moneyFields,
    reason: z.string().describe('The order status that asked for the refund'),
    idempotencyKey: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'PaymentRefund' });

const orderPaymentsSchema = z
  .object({
    orderId: idSchema,
    status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED', 'REFUNDED']),
    charges: z.array(chargeView),
    refunds: z.array(refundView),
  })
  .meta({ id: 'OrderPayments' });

const getPaymentsSchema = {
  tags: ['payments'],
  summary: "An order's payment: its charge and refund",
  'x-access': 'owner' as const,
  description: 'PENDING until the order is validated and charged; REFUNDED after a cancellation or failure.',
  params: z.object({ orderId: idSchema }),
  response: { 200: orderPaymentsSchema, 400: problemDetailsSchema, 404: problemDetailsSchema },
};

export interface HttpDeps extends HttpBase {
  pool: Pool;
  cipher: TokenCipher;
  now?: () => Date;
}

/** The app with every route, not listening: the kit listens, tests use `inject`. */
export async function build({ pool, cipher, now, ...base }: HttpDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'payments',
    ...base,
    openapi: {
      title: 'microshop payments',
      version: '0.1.0',
      description: 'Charges of validated orders and refunds of cancelled or failed ones.',
    },
  });
  app.get(paymentsPath, { schema: getPaymentsSchema }, async (request) => {
    const { orderId } = request.params;
    // Another customer's order answers as one payments never saw.
    assertOwner(request, (await findPaymentOwner(pool, orderId)) ?? '', `Payment of order ${orderId}`);
    const payments = await findOrderPayments(pool, orderId);
    if (payments === null) throw notFound('Payment of order', orderId);
    return payments;
  });
  registerPaymentMethodRoute(app, { pool, cipher, now: now ?? (() => new Date()) });
  return app;
}
