import { idSchema, shipmentSchema } from '@microshop/contracts';
import { problemDetailsSchema } from '@microshop/platform';
import { z } from 'zod';

// Route schemas: the zod type provider validates requests with them and @fastify/swagger turns
// them into /openapi.json (which the gateway merges into /api/openapi.json).

export const shipmentsPath = '/api/v1/shipments';
export const shipmentPath = `${shipmentsPath}/:id`;
export const carrierCallbackPath = `${shipmentsPath}/callbacks/carrier`;

const tags = ['shipments'];
const problem = problemDetailsSchema;
const shipment = shipmentSchema.meta({ id: 'Shipment' });

export const getShipmentSchema = {
  tags,
  summary: "One shipment: status, carrier and tracking number (its order's customer, or operators)",
  'x-access': 'owner' as const,
  params: z.object({ id: idSchema }),
  response: { 200: shipment, 400: problem, 404: problem },
};

export const listShipmentsSchema = {
  tags,
  summary: "An order's shipments (at most one; none for another customer's order)",
  'x-access': 'owner' as const,
  querystring: z.object({ orderId: idSchema }),
  response: { 200: z.object({ shipments: z.array(shipment) }).meta({ id: 'ShipmentList' }), 400: problem },
};

/** The carrier's delivery webhook body. Tolerant: a carrier may add fields without breaking us. */
export const carrierCallbackBodySchema = z
  .object({
    event: z.literal('delivered'),
    shipmentId: z.string().min(1).max(128).describe("The carrier's shipment id (shp_…)"),
    trackingNumber: z.string().min(1).max(128),
    reference: z.string().min(1).max(128).describe('Our order id, as given when booking'),
    deliveredAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'CarrierCallback' });
export type CarrierCallback = z.infer<typeof carrierCallbackBodySchema>;

export const carrierCallbackSchema = {
  tags,
  summary: "The carrier's delivery webhook",
  // The carrier holds no microshop token: the callback proves itself by its signature instead.
  'x-access': 'public' as const,
  description:
    'Moves the shipment to DELIVERED and announces ShipmentDelivered, once: a repeated callback answers ' +
    '200 and changes nothing. Must carry X-Carrier-Signature made with a webhook secret, recent and not ' +
    'seen before: anything else is a 401.',
  body: carrierCallbackBodySchema,
  response: { 200: shipment, 400: problem, 401: problem, 404: problem, 409: problem, 415: problem },
};
