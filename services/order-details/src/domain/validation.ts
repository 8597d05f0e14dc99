import type { OrderValidationEvent } from '@microshop/contracts';
import { type DetailsVerdict, unreachable } from './checks.ts';

/**
 * The OrderValidation event of an order-details verdict (topic microshop.order-validations, key =
 * order id). The id and time come from the caller, so a test can pin them.
 */
export function detailsValidationEvent(
  orderId: string,
  verdict: DetailsVerdict,
  stamp: { id: string; at: Date },
): OrderValidationEvent {
  return {
    id: stamp.id,
    type: 'OrderValidation',
    occurredAt: stamp.at.toISOString(),
    source: 'order-details',
    orderId,
    check: 'ORDER_DETAILS',
    result: verdict.result,
    reason: reasonOf(verdict),
  };
}

function reasonOf(verdict: DetailsVerdict): string | null {
  switch (verdict.result) {
    case 'PASS':
      return null;
    case 'FAIL':
      return verdict.reason;
    default:
      return unreachable(verdict);
  }
}
