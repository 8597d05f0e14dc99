import {
  registerPaymentMethodRequestSchema,
  registerPaymentMethodResponseSchema,
} from '@microshop/contracts';
import { type HttpApp, mapPgError, type Pool, problemDetailsSchema } from '@microshop/platform';
import { registerMethod } from '../store/payment-methods.ts';
import type { TokenCipher } from '../store/token-cipher.ts';

/**
 * POST /internal/v1/payment-methods: the orders service hands over the card token of an order being
 * placed, with the customer's own bearer token, and gets back the opaque reference that OrderCreated
 * carries. The card token reaches no other service: payments keeps it encrypted until the charge no
 * longer needs it. Internal: the gateway routes /api/v1 only, and the route is left out of the
 * OpenAPI document clients read.
 */

export const paymentMethodsPath = '/internal/v1/payment-methods';

/** Without access control (no token issuer configured), a caller registers under this subject. */
export const anonymousSubject = 'anonymous';

const registerSchema = {
  hide: true,
  'x-access': 'customer' as const,
  summary: "Keep a card token for an order's charge; answers its payment reference",
  body: registerPaymentMethodRequestSchema,
  response: {
    200: registerPaymentMethodResponseSchema,
    400: problemDetailsSchema,
    401: problemDetailsSchema,
  },
};

export function registerPaymentMethodRoute(
  app: HttpApp,
  deps: { pool: Pool; cipher: TokenCipher; now: () => Date },
): void {
  app.post(paymentMethodsPath, { schema: registerSchema }, async (request) => {
    const subject = request.principal?.subject ?? anonymousSubject;
    try {
      const registration = { subject, token: request.body.token };
      return { reference: await registerMethod(deps.pool, deps.cipher, registration, deps.now()) };
    } catch (error) {
      throw mapPgError(error);
    }
  });
}
