import { z } from 'zod';
import { shipmentDeliveredSchema, shipmentDispatchedSchema } from './orders.ts';

// Everything the shipments service publishes on `microshop.shipments` (key = order id), through its
// outbox. The schemas live in orders.ts because the orders service consumes them; this module names
// the union for the other readers (notifications) and the shipment as the API shows it.

export const shipmentEventSchema = z.discriminatedUnion('type', [
  shipmentDispatchedSchema,
  shipmentDeliveredSchema,
]);
export type ShipmentEvent = z.infer<typeof shipmentEventSchema>;

export const shipmentStatuses = ['BOOKING', 'DISPATCHED', 'DELIVERED', 'CANCELLED'] as const;
export const shipmentStatusSchema = z.enum(shipmentStatuses);

export const shipmentSchema = z.object({
  id: z.string().min(1),
  orderId: z.guid(),
  carrier: z.string(),
  trackingNumber: z.string().nullable(),
  status: shipmentStatusSchema,
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type Shipment = z.infer<typeof shipmentSchema>;
