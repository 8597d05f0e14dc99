import { unreachable } from '@microshop/platform/pure';

/**
 * What payments knows of one order, and how each recorded fact changes it (`evolve`). What an
 * order event asks for — a provider call, or facts to record — is `decide` (decide.ts). Pure.
 */

/** The statuses that end an order before it is fulfilled: captured money goes back. */
export type OrderEnd = 'CANCELLED' | 'FAILED';

export interface ChargeRecord {
  outcome: 'SUCCEEDED' | 'FAILED';
  /** The provider's charge id; null for a charge that failed. */
  paymentId: string | null;
  amount: number;
  currency: string;
  /** Why it failed, in words; null when it succeeded. */
  reason: string | null;
}

export interface RefundRecord {
  refundId: string;
  paymentId: string;
  amount: number;
  currency: string;
  /** The order status that asked for the refund. */
  reason: OrderEnd;
}

export interface PaymentState {
  /**
   * The payment method's reference, from OrderCreated (the only event carrying it); null if that
   * event was never seen or named none. The card token itself stays in the vault, never in the state.
   */
  reference: string | null;
  ended: OrderEnd | null;
  /** A charge request was sent at least once: the provider may hold a charge not recorded here. */
  chargeAttempted: boolean;
  charge: ChargeRecord | null;
  refund: RefundRecord | null;
}

export const emptyState: PaymentState = {
  reference: null,
  ended: null,
  chargeAttempted: false,
  charge: null,
  refund: null,
};

/** What payments records of an order, in the transaction with the event's inbox row. */
export type PaymentFact =
  /** The first OrderCreated gave the payment method's reference. */
  | { type: 'PaymentMethodRemembered'; reference: string }
  /** The order was seen cancelled or failed for the first time. */
  | { type: 'OrderEnded'; end: OrderEnd }
  | { type: 'ChargeRecorded'; charge: ChargeRecord }
  | { type: 'RefundRecorded'; refund: RefundRecord };

/** The state after `fact`. */
export function evolve(state: PaymentState, fact: PaymentFact): PaymentState {
  switch (fact.type) {
    case 'PaymentMethodRemembered':
      return { ...state, reference: state.reference ?? fact.reference };
    case 'OrderEnded':
      return { ...state, ended: state.ended ?? fact.end };
    case 'ChargeRecorded':
      return { ...state, charge: fact.charge };
    case 'RefundRecorded':
      return { ...state, refund: fact.refund };
    default:
      return unreachable(fact);
  }
}

/** One key per order and operation: every retry, redelivery and restart sends the same one. */
export const chargeKey = (orderId: string): string => `order-${orderId}`;
export const refundKey = (orderId: string): string => `refund-${orderId}`;

export type PaymentStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REFUNDED';

/** One word for an order's payment, as GET /api/v1/payments/{orderId} shows it. */
export function paymentStatus(state: {
  charge: Pick<ChargeRecord, 'outcome'> | null;
  refund: object | null;
}): PaymentStatus {
  if (state.refund !== null) return 'REFUNDED';
  if (state.charge === null) return 'PENDING';
  return state.charge.outcome;
}
