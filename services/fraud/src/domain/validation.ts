import type { OrderValidationEvent } from '@microshop/contracts';
import type { FraudVerdict } from './session.ts';

/**
 * The OrderValidation event of a fraud verdict (topic microshop.order-validations, key = order id).
 * The id and time come from the caller, so a test can pin them.
 */
export function fraudValidationEvent(
  orderId: string,
  verdict: FraudVerdict,
  stamp: { id: string; at: Date },
): OrderValidationEvent {
  return {
    id: stamp.id,
    type: 'OrderValidation',
    occurredAt: stamp.at.toISOString(),
    source: 'fraud',
    orderId,
    check: 'FRAUD',
    result: verdict.result,
    reason: reasonOf(verdict),
  };
}

function reasonOf(verdict: FraudVerdict): string | null {
  switch (verdict.result) {
    case 'PASS':
      return null;
    case 'FAIL':
      return verdict.reason;
    default:
      return unreachable(verdict);
  }
}

export function unreachable(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
