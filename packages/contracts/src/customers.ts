import { z } from 'zod';
import { envelopeBase } from './envelope.ts';
import { idSchema, timestampSchema } from './orders.ts';
import { customerLevels } from './topics.ts';

// Customers: the HTTP bodies of the customers service and the event it publishes on the compacted
// topic `microshop.customers` (key = customer id). Each event carries the whole customer, so the
// latest record per key is a complete copy: other services (order-details, notifications) keep their
// own table from it and never call the customers service.

export const customerLevelSchema = z.enum(customerLevels);

export const createCustomerRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
  level: customerLevelSchema.default('bronze'),
});
export type CreateCustomerRequest = z.infer<typeof createCustomerRequestSchema>;

export const customerSchema = z.object({
  id: idSchema,
  name: z.string(),
  email: z.string(),
  level: customerLevelSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Customer = z.infer<typeof customerSchema>;

/** Published on every change of a customer (registration, level change). */
export const customerChangedEventSchema = envelopeBase.extend({
  type: z.enum(['CustomerRegistered', 'CustomerUpdated']),
  source: z.literal('customers'),
  customerId: idSchema,
  customer: customerSchema,
});
export type CustomerChangedEvent = z.infer<typeof customerChangedEventSchema>;

/**
 * PATCH /api/v1/customers/{id}: the fields a customer may change (a level change re-routes the
 * customer's later orders). The email is the customer's identity and stays.
 */
export const updateCustomerRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    level: customerLevelSchema.optional(),
  })
  .refine((patch) => patch.name !== undefined || patch.level !== undefined, {
    message: 'name or level is required',
    params: { rule: 'minProperties' },
  });
export type UpdateCustomerRequest = z.infer<typeof updateCustomerRequestSchema>;
