import { z } from 'zod';
import { envelopeBase } from './envelope.ts';
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
