import { z } from 'zod';
import { customerLevelSchema } from './customers.ts';
import { envelopeBase } from './envelope.ts';
import { idSchema, orderSchema, orderStatusSchema } from './orders.ts';

// Dynamic routing: every order event, enriched with the customer's level, is also
// published to `microshop.orders-<level>` (key = order id) so that, e.g., a platinum desk can consume
// only its customers' orders.

export const routedOrderEventSchema = envelopeBase.extend({
  type: z.literal('OrderRouted'),
  source: z.literal('notifications'),
  orderId: idSchema,
  customerId: idSchema,
  level: customerLevelSchema,
  status: orderStatusSchema,
  /** The order status event this one was derived from. */
  causationId: z.uuid(),
  order: orderSchema,
});
export type RoutedOrderEvent = z.infer<typeof routedOrderEventSchema>;
