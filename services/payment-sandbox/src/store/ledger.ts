import { type Charge, decide, evolve } from '../domain/charge.ts';
import { noSuchCharge, type ProviderError } from '../domain/provider-errors.ts';
import type { KeyRecord } from '../http/idempotency.ts';
import { chargeRecordSchema, refundRecordSchema } from './journal.ts';

/**
 * The sandbox's book of charges and refunds, in memory, rebuilt on start from the journal's final
 * answers (store/journal.ts); ids and the clock are injected. Node runs one request handler at a time
 * between awaits, and no method here awaits, so each is atomic.
 */

export type { Charge } from '../domain/charge.ts';

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
  /** Puts back what a final answer read from the journal made: a charge, or a refund of one. */
  restore(record: KeyRecord): void;
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
      const [event] = decide({ type: 'RefundCharge', amount }, charge);
      if (event.type === 'RefundRefused') return { ok: false, error: event.error };
      const refund: Refund = {
        id: deps.newId('re'),
        object: 'refund',
        charge: charge.id,
        amount: event.amount,
        currency: charge.currency,
        status: 'succeeded',
        created: created(),
      };
      refunds.push(refund);
      charges.set(charge.id, evolve(charge, event));
      return { ok: true, refund: { ...refund } };
    },
    restore(record) {
      if (record.response.status !== 201) return; // a decline or a refused refund made nothing
      if (record.operation === 'charge') {
        const charge = chargeRecordSchema.parse(record.response.body);
        // The answer shows the charge as it was made; its refunds are put back after it.
        charges.set(charge.id, { ...charge, amount_refunded: 0, refunded: false });
        return;
      }
      const refund = refundRecordSchema.parse(record.response.body);
      const charge = charges.get(refund.charge);
      if (charge === undefined)
        throw new Error(`journal: refund ${refund.id} of an unknown charge ${refund.charge}`);
      refunds.push(refund);
      charges.set(charge.id, evolve(charge, { type: 'ChargeRefunded', amount: refund.amount }));
    },
    listRefunds(filter = {}) {
      return refunds
        .filter((refund) => filter.charge === undefined || refund.charge === filter.charge)
        .map((refund) => ({ ...refund }));
    },
  };
}
