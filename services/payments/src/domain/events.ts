import type { PaymentEvent } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';
import type { RefundRecord } from './payment.ts';

/**
 * What payments publishes on `microshop.payments` (key = order id): PaymentSucceeded, PaymentFailed
 * and PaymentRefunded, with reasons in words the order's `reasons` show to a person. Pure: ids and
 * the time come in as a `Stamper`.
 */

export interface Stamper {
  newId: () => string;
  at: Date;
}

export const paymentsSource = 'payments';

export const noPaymentMethodReason = 'payment failed: no payment method on record for the order';

/** A charge the provider holds. */
export interface ProviderCharge {
  paymentId: string;
  amount: number;
  currency: string;
}

/** The provider's verdict on a charge that was not made. */
export type ChargeRefusal =
  | { status: 'declined'; message: string }
  /** Refused for another reason than the card (a 4xx other than a decline). */
  | { status: 'rejected'; message: string };

/** The reason a PaymentFailed gives. */
export function failureReason(outcome: ChargeRefusal): string {
  switch (outcome.status) {
    case 'declined':
      return `card declined: ${outcome.message}`;
    case 'rejected':
      return `payment rejected: ${outcome.message}`;
    default:
      return unreachable(outcome);
  }
}

export function amountOf(charge: ProviderCharge): ProviderCharge {
  return { paymentId: charge.paymentId, amount: charge.amount, currency: charge.currency };
}

function envelope(stamp: Stamper) {
  return { id: stamp.newId(), occurredAt: stamp.at.toISOString(), source: paymentsSource };
}

export function paymentSucceeded(orderId: string, charge: ProviderCharge, stamp: Stamper): PaymentEvent {
  return { ...envelope(stamp), type: 'PaymentSucceeded', orderId, ...amountOf(charge) };
}

export function paymentFailed(orderId: string, reason: string, stamp: Stamper): PaymentEvent {
  return { ...envelope(stamp), type: 'PaymentFailed', orderId, reason };
}

export function paymentRefunded(orderId: string, refund: RefundRecord, stamp: Stamper): PaymentEvent {
  return { ...envelope(stamp), type: 'PaymentRefunded', source: paymentsSource, orderId, ...refund };
}
