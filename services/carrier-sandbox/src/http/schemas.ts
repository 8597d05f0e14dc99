import { problemDetailsSchema } from '@microshop/platform';
import { z } from 'zod';
import { callbackStates, carrierName, carrierShipmentStatuses } from '../domain/shipment.ts';

// The carrier's public API, as a shipping company would document it. The sandbox is another
// party: these schemas are its own, not microshop's contracts.

export const shipmentsPath = '/v1/shipments';
export const shipmentPath = `${shipmentsPath}/:id`;
export const cancelPath = `${shipmentsPath}/:id/cancel`;

export function shipmentLocation(id: string): string {
  return `${shipmentsPath}/${encodeURIComponent(id)}`;
}

/**
 * A carrier's API: the shipments service calls it with no microshop token (a real carrier would
 * want its own API key, which the sandbox does not imitate), so every route is public.
 */
const access = 'public' as const;

const tags = ['carrier'];
const problem = problemDetailsSchema;

const parcelSchema = z.strictObject({
  sku: z.string().min(1).max(64),
  quantity: z.number().int().positive().max(10_000),
});

const recipientSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  email: z.email().max(320).optional(),
  address: z.string().min(1).max(1000).optional(),
});

export const bookingRequestSchema = z
  .strictObject({
    reference: z.string().min(1).max(128).describe("The shipper's reference, e.g. its order id"),
    parcels: z.array(parcelSchema).min(1).max(100),
    recipient: recipientSchema.optional(),
    callbackUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .describe('Where the delivery event is POSTed'),
  })
  .meta({ id: 'BookingRequest' });

const timestamp = z.iso.datetime({ offset: true });

export const carrierShipmentSchema = z
  .object({
    id: z.string().describe('shp_…'),
    trackingNumber: z.string().describe('MS followed by digits'),
    status: z.enum(carrierShipmentStatuses),
    reference: z.string(),
    carrier: z.literal(carrierName),
    parcels: z.array(parcelSchema),
    recipient: recipientSchema.nullable(),
    callbackUrl: z.string(),
    createdAt: timestamp,
    deliveredAt: timestamp.nullable(),
    cancelledAt: timestamp.nullable(),
    callback: z.object({
      state: z.enum(callbackStates),
      attempts: z.number().int().nonnegative(),
      lastStatus: z.number().int().nullable(),
      lastError: z.string().nullable(),
      acknowledgedAt: timestamp.nullable(),
    }),
  })
  .meta({ id: 'CarrierShipment' });

const idParams = z.object({ id: z.string().min(1).max(64) });

export const bookSchema = {
  tags,
  'x-access': access,
  summary: 'Book a shipment (Idempotency-Key required)',
  description:
    'The same Idempotency-Key with the same body answers 200 with the shipment booked the first time ' +
    '(header Idempotent-Replayed: true); with another body, 422. The delivery event is POSTed to ' +
    'callbackUrl later and retried with backoff until a 2xx answer.',
  // Loose: every other header must stay on the request.
  headers: z.looseObject({ 'idempotency-key': z.string().min(1).max(255) }),
  body: bookingRequestSchema,
  response: {
    200: carrierShipmentSchema.describe('Booked earlier under this key'),
    201: carrierShipmentSchema.describe('Booked'),
    400: problem,
    415: problem,
    422: problem,
  },
};

export const getShipmentSchema = {
  tags,
  'x-access': access,
  summary: 'One shipment, with the progress of its delivery callback',
  params: idParams,
  response: { 200: carrierShipmentSchema, 400: problem, 404: problem },
};

export const listShipmentsSchema = {
  tags,
  'x-access': access,
  summary: 'The shipments booked under a reference, oldest first',
  querystring: z.object({ reference: z.string().min(1).max(128) }),
  response: { 200: z.object({ shipments: z.array(carrierShipmentSchema) }), 400: problem },
};

export const cancelShipmentSchema = {
  tags,
  'x-access': access,
  summary: 'Cancel a booked shipment (idempotent; 409 once delivered)',
  params: idParams,
  response: { 200: carrierShipmentSchema, 400: problem, 404: problem, 409: problem },
};
