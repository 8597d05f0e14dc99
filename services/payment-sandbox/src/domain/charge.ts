import { unreachable } from '@microshop/platform/pure';
import { alreadyRefunded, type ProviderError, refundTooLarge } from './provider-errors.ts';

/**
 * A charge at the sandbox provider, and the refund rule: never more than was captured and not yet
 * refunded; a charge fully refunded takes no more. `decide` says whether a refund may be made,
 * `evolve` gives the charge after it. Pure: the ledger (store/ledger.ts) keeps the charges.
 */

export interface Charge {
  id: string;
  object: 'charge';
  status: 'succeeded';
  amount: number;
  currency: string;
  /** The provider's copy of the caller's reference, e.g. `{orderId}`. */
  metadata: Record<string, string>;
  /** Unix seconds, as card providers give it. */
  created: number;
  amount_refunded: number;
  refunded: boolean;
}

/** Refund `amount` of the charge, or all that is left of it when `amount` is undefined. */
export type ChargeCommand = { type: 'RefundCharge'; amount: number | undefined };

export type ChargeEvent =
  | { type: 'ChargeRefunded'; amount: number }
  /** Refused with the provider's error: nothing changes. */
  | { type: 'RefundRefused'; error: ProviderError };

/** One event: the refund, or its refusal. */
export function decide(command: ChargeCommand, charge: Charge): [ChargeEvent] {
  switch (command.type) {
    case 'RefundCharge': {
      const refundable = charge.amount - charge.amount_refunded;
      if (refundable === 0) return [{ type: 'RefundRefused', error: alreadyRefunded(charge.id) }];
      const requested = command.amount ?? refundable;
      if (requested > refundable) {
        return [{ type: 'RefundRefused', error: refundTooLarge(requested, refundable) }];
      }
      return [{ type: 'ChargeRefunded', amount: requested }];
    }
    default:
      return unreachable(command.type);
  }
}

export function evolve(charge: Charge, event: ChargeEvent): Charge {
  switch (event.type) {
    case 'ChargeRefunded': {
      const refunded = charge.amount_refunded + event.amount;
      return { ...charge, amount_refunded: refunded, refunded: refunded === charge.amount };
    }
    case 'RefundRefused':
      return charge;
    default:
      return unreachable(event);
  }
}
