import { z } from 'zod';
import { type EventStamp, envelopeBase } from './envelope.ts';
import { idSchema } from './orders.ts';

// One validator's verdict on one order (topic `microshop.order-validations`, key = order id), written
// by the fraud, inventory and order-details services through their outboxes. The validation
// aggregator turns the three into one decision (`validationDecision*Schema` in orders.ts, topic
// `microshop.order-decisions`).

export const validationChecks = ['FRAUD', 'INVENTORY', 'ORDER_DETAILS'] as const;
export const validationCheckSchema = z.enum(validationChecks);
export type ValidationCheck = z.infer<typeof validationCheckSchema>;

export const validationResultSchema = z.enum(['PASS', 'FAIL']);
export type ValidationResult = z.infer<typeof validationResultSchema>;

export const orderValidationEventSchema = envelopeBase.extend({
  type: z.literal('OrderValidation'),
  source: z.enum(['fraud', 'inventory', 'order-details']),
  orderId: idSchema,
  check: validationCheckSchema,
  result: validationResultSchema,
  /** Why it failed, in words a customer may read (e.g. "insufficient stock: JUMPERS"); null on PASS. */
  reason: z.string().nullable(),
});
export type OrderValidationEvent = z.infer<typeof orderValidationEventSchema>;

/** The source service of each check: one validator per check. */
export const validatorOf: Record<ValidationCheck, OrderValidationEvent['source']> = {
  FRAUD: 'fraud',
  INVENTORY: 'inventory',
  ORDER_DETAILS: 'order-details',
};

/** A validator's verdict on one order: PASS, or FAIL with the reason a customer may read. */
export type ValidationVerdict = { result: 'PASS' } | { result: 'FAIL'; reason: string };

/**
 * The OrderValidation event of `check`'s verdict on an order (topic `microshop.order-validations`,
 * key = order id), from the check's own validator service. Pure: the id and time come in as `stamp`.
 */
export function orderValidationEvent(
  check: ValidationCheck,
  orderId: string,
  verdict: ValidationVerdict,
  stamp: EventStamp,
): OrderValidationEvent {
  return {
    id: stamp.id,
    type: 'OrderValidation',
    occurredAt: stamp.at.toISOString(),
    source: validatorOf[check],
    orderId,
    check,
    result: verdict.result,
    reason: verdict.result === 'FAIL' ? verdict.reason : null,
  };
}
