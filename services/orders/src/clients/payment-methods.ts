import { type PaymentReference, registerPaymentMethodResponseSchema } from '@microshop/contracts';
import { AppError, createHttpClient, type Logger } from '@microshop/platform';

/**
 * The payments service as the orders service calls it while placing an order: the card token goes
 * to payments (and nowhere else), the opaque payment reference comes back. The caller's own bearer
 * token goes along, so payments knows whose card it keeps and derives the same reference for the
 * same caller and card every time (an idempotent replay of an order gets the same one). A payments
 * service that cannot be reached is a 503 the client may retry; nothing has been written then.
 */

export interface PaymentMethods {
  register(token: string, authorization: string | undefined): Promise<PaymentReference>;
  close(): Promise<void>;
}

export interface PaymentMethodsOptions {
  /** The payments service's base URL. */
  baseUrl: string;
  timeoutMs: number;
  logger?: Logger;
}

export const paymentMethodsPath = '/internal/v1/payment-methods';

export function createPaymentMethods(options: PaymentMethodsOptions): PaymentMethods {
  const http = createHttpClient({
    name: 'payments',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    // Registering is idempotent (same card, same reference), so a lost answer is simply asked again.
    retry: { maxAttempts: 3, initialMs: 50, maxMs: 500 },
    logger: options.logger,
  });
  return {
    async register(token, authorization) {
      const answer = await http.send({
        method: 'POST',
        url: paymentMethodsPath,
        json: { token },
        headers: authorization === undefined ? {} : { authorization },
      });
      // The caller's own token was refused by payments: the same answer, for the same reason.
      if (answer.status === 401 || answer.status === 403) throw refusedBy(answer.status);
      const parsed = registerPaymentMethodResponseSchema.safeParse(answer.body);
      if (answer.status !== 200 || !parsed.success) {
        throw new AppError('BAD_GATEWAY', `payments answered the card token with HTTP ${answer.status}`);
      }
      return parsed.data.reference;
    },
    close: () => http.close(),
  };
}

function refusedBy(status: 401 | 403): AppError {
  return status === 401
    ? new AppError('UNAUTHENTICATED', 'payments did not accept the access token')
    : new AppError('FORBIDDEN', 'payments refused to keep a card for this caller');
}
