import { alreadyRefunded, noSuchCharge, type ProviderError, refundTooLarge } from './provider-errors.ts';

/**
 * The sandbox's book of charges and refunds, in memory (a sandbox forgets everything on restart,
 * as its README says). Pure apart from its own maps: ids and the clock are injected. Node runs one
 * request handler at a time between awaits, and no method here awaits, so each is atomic.
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

export interface Refund {
  id: string;
  object: 'refund';
  charge: string;
  amount: number;
  currency: string;
  status: 'succeeded';
  created: number;
}

export interface NewCharge {
  amount: number;
  currency: string;
  metadata: Record<string, string>;
}

export interface LedgerDeps {
  /** `ch_…` / `re_…`: the prefix names the kind of object, like a provider's ids. */
  newId: (prefix: 'ch' | 're') => string;
  now: () => Date;
}

export type RefundResult = { ok: true; refund: Refund } | { ok: false; error: ProviderError };

export interface Ledger {
  addCharge(request: NewCharge): Charge;
  findCharge(id: string): Charge | undefined;
  /** Oldest first; only those whose `metadata.orderId` matches when `orderId` is given. */
  listCharges(filter?: { orderId?: string }): Charge[];
  /** Refunds `amount` of the charge, or all that is left of it when `amount` is undefined. */
  refund(chargeId: string, amount: number | undefined): RefundResult;
  listRefunds(filter?: { charge?: string }): Refund[];
}

export function createLedger(deps: LedgerDeps): Ledger {
  const charges = new Map<string, Charge>();
  const refunds: Refund[] = [];
  const created = () => Math.floor(deps.now().getTime() / 1000);

  return {
    addCharge(request) {
      const charge: Charge = {
        id: deps.newId('ch'),
        object: 'charge',
        status: 'succeeded',
        amount: request.amount,
        currency: request.currency,
        metadata: { ...request.metadata },
        created: created(),
        amount_refunded: 0,
        refunded: false,
      };
      charges.set(charge.id, charge);
      return { ...charge };
    },
    findCharge(id) {
      const charge = charges.get(id);
      return charge === undefined ? undefined : { ...charge };
    },
    listCharges(filter = {}) {
      return [...charges.values()]
        .filter((charge) => filter.orderId === undefined || charge.metadata.orderId === filter.orderId)
        .map((charge) => ({ ...charge }));
    },
    refund(chargeId, amount) {
      const charge = charges.get(chargeId);
      if (charge === undefined) return { ok: false, error: noSuchCharge(chargeId, 'charge') };
      const check = checkRefund(charge, amount);
      if (!check.ok) return check;
      const refund: Refund = {
        id: deps.newId('re'),
        object: 'refund',
        charge: charge.id,
        amount: check.amount,
        currency: charge.currency,
        status: 'succeeded',
        created: created(),
      };
      refunds.push(refund);
      charge.amount_refunded += refund.amount;
      charge.refunded = charge.amount_refunded === charge.amount;
      return { ok: true, refund: { ...refund } };
    },
    listRefunds(filter = {}) {
      return refunds
        .filter((refund) => filter.charge === undefined || refund.charge === filter.charge)
        .map((refund) => ({ ...refund }));
    },
  };
}

/** Never more than was captured and not yet refunded; a charge fully refunded takes no more. */
export function checkRefund(
  charge: Pick<Charge, 'id' | 'amount' | 'amount_refunded'>,
  amount: number | undefined,
): { ok: true; amount: number } | { ok: false; error: ProviderError } {
  const refundable = charge.amount - charge.amount_refunded;
  if (refundable === 0) return { ok: false, error: alreadyRefunded(charge.id) };
  const requested = amount ?? refundable;
  if (requested > refundable) return { ok: false, error: refundTooLarge(requested, refundable) };
  return { ok: true, amount: requested };
}
