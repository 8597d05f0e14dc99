import { unreachable } from '@microshop/platform';
import type { CallResult, ChargeOutcome, ProviderCall } from '../domain/decide.ts';
import type { ProviderCharge } from '../domain/events.ts';
import type { KeyLookup } from '../domain/reconciliation.ts';

/**
 * The payment provider as payments sees it: charge, refund, and look up the charge of an order.
 * The HTTP adapter for the sandbox (http-provider.ts) is the only implementation the stack runs;
 * another provider is another adapter behind the same interface.
 *
 * Every call carries an idempotency key derived from the order, so an adapter may retry a request
 * as often as it likes, and so may the consumer. A call resolves with the provider's verdict
 * (succeeded, declined, rejected) and throws only when the verdict is unknown: a retriable error
 * when the provider could not be reached, a non-retriable one when it refused a refund for good.
 */

export type ChargeCall = Extract<ProviderCall, { kind: 'charge' }>;
/** A charge as it goes to the provider: with the card token, looked up just before the call. */
export type TokenisedCharge = ChargeCall & { token: string };
export type RefundCall = Extract<ProviderCall, { kind: 'refund' }>;
export type RefundResult = Extract<CallResult, { kind: 'refund' }>;

export interface CallOptions {
  /** Aborted when the service stops: give up at once (nothing is recorded; the event comes again). */
  signal?: AbortSignal;
}

export interface PaymentProvider {
  charge(call: TokenisedCharge, options?: CallOptions): Promise<ChargeOutcome>;
  refund(call: RefundCall, options?: CallOptions): Promise<RefundResult>;
  /** The order's captured charge, if the provider holds one. */
  findCharge(orderId: string, options?: CallOptions): Promise<ProviderCharge | null>;
  /** What became of the charge request made with `idempotencyKey` (reconciliation). */
  lookupCharge(idempotencyKey: string, options?: CallOptions): Promise<KeyLookup>;
}

export interface ExecuteOptions extends CallOptions {
  /** The card token of a payment reference; null when none is kept (any more). */
  tokenOf(reference: string): Promise<string | null>;
}

/** Why a charge whose token is no longer kept was not made (the order fails with it). */
export const methodNotKept = 'the payment method is no longer on record';

/** Makes the call the domain asked for; the result is what the domain reads back. */
export async function execute(
  provider: PaymentProvider,
  call: ProviderCall,
  options: ExecuteOptions,
): Promise<CallResult> {
  switch (call.kind) {
    case 'charge': {
      const token = await options.tokenOf(call.reference);
      if (token === null) return { kind: 'charge', outcome: { status: 'rejected', message: methodNotKept } };
      return { kind: 'charge', outcome: await provider.charge({ ...call, token }, options) };
    }
    case 'refund':
      return provider.refund(call, options);
    case 'find-charge':
      return { kind: 'find-charge', found: await provider.findCharge(call.orderId, options) };
    default:
      return unreachable(call);
  }
}
