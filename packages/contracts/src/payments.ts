import { z } from 'zod';
import { envelopeBase } from './envelope.ts';
import {
  currencySchema,
  idSchema,
  paymentFailedSchema,
  paymentReferenceSchema,
  paymentSucceededSchema,
} from './orders.ts';

// Everything the payments service publishes on `microshop.payments` (key = order id), through its
// outbox. `PaymentSucceeded` / `PaymentFailed` are defined in orders.ts because the orders service
// consumes them; the refund, a compensation, is here.

/** A captured charge was refunded because the order was cancelled or failed after capture. */
export const paymentRefundedSchema = envelopeBase.extend({
  type: z.literal('PaymentRefunded'),
  source: z.literal('payments'),
  orderId: idSchema,
  paymentId: z.string().min(1),
  refundId: z.string().min(1),
  amount: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  currency: currencySchema,
  /** Why: the order's status that asked for the refund, e.g. `CANCELLED`. */
  reason: z.string().min(1),
});
export type PaymentRefunded = z.infer<typeof paymentRefundedSchema>;

export const paymentEventSchema = z.discriminatedUnion('type', [
  paymentSucceededSchema,
  paymentFailedSchema,
  paymentRefundedSchema,
]);
export type PaymentEvent = z.infer<typeof paymentEventSchema>;

/**
 * The internal call that hands a card token to payments (the orders service makes it while placing
 * an order): payments keeps the token encrypted and answers with the reference other services see.
 */
export const registerPaymentMethodRequestSchema = z.strictObject({
  token: z.string().min(1).max(256),
});
export type RegisterPaymentMethodRequest = z.infer<typeof registerPaymentMethodRequestSchema>;
export const registerPaymentMethodResponseSchema = z.object({ reference: paymentReferenceSchema });
export type RegisterPaymentMethodResponse = z.infer<typeof registerPaymentMethodResponseSchema>;

/**
 * The test tokens of the payment sandbox (and of the payment providers it imitates). A token with a
 * suffix (`tok_visa_<anything>`) behaves like its base token, so a test can use a token of its own.
 */
export const sandboxTokens = {
  /** Charged at once. */
  success: 'tok_visa',
  /** Declined with a reason (HTTP 402, code card_declined). */
  declined: 'tok_chargeDeclined',
  /** Charged, but the answer comes after a delay (longer than a hasty client waits). */
  slow: 'tok_slow',
  /** Fails with a 5xx a few times for the same idempotency key, then succeeds. */
  flaky: 'tok_error',
} as const;
