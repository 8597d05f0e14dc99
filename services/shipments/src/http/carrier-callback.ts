import {
  conflict,
  type HttpApp,
  invalidTransition,
  malformedRequest,
  notFound,
  type Pool,
  type PoolClient,
  unreachable,
  validationFailed,
  withTransaction,
} from '@microshop/platform';
import type { FastifyRequest } from 'fastify';
import { decide } from '../domain/decide.ts';
import { shipmentDelivered } from '../domain/events.ts';
import { type Publishing, publishShipmentEvent } from '../store/outbox-events.ts';
import {
  findByCarrierShipment,
  findById,
  findByOrder,
  lockOrder,
  markDelivered,
  type ShipmentRow,
  toShipment,
} from '../store/shipments.ts';
import { read } from './read.ts';
import { type CarrierCallback, carrierCallbackPath, carrierCallbackSchema } from './schemas.ts';
import { signatureHeader, verifySignature } from './signature.ts';

/**
 * POST /api/v1/shipments/callbacks/carrier: the carrier says a parcel arrived. DELIVERED and
 * ShipmentDelivered commit in one transaction; a repeated callback finds DELIVERED and changes
 * nothing (200, so the carrier stops retrying). Unknown shipment → 404, which the carrier retries:
 * it may be a booking whose record has not committed yet.
 */

export interface CallbackOptions {
  pool: Pool;
  publishing: Publishing;
  /** Checks X-Carrier-Signature when set. */
  webhook?: { secret: string; toleranceSeconds: number } | undefined;
}

export function registerCarrierCallback(app: HttpApp, options: CallbackOptions): void {
  // Its own scope: the signature covers the raw bytes, so this route alone keeps them.
  app.register(async (scope: HttpApp) => {
    const rawBodies = new WeakMap<FastifyRequest, string>();
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      rawBodies.set(request, String(body));
      try {
        done(null, body === '' ? undefined : JSON.parse(String(body)));
      } catch (error) {
        done(malformedRequest('Request body is not valid JSON', error), undefined);
      }
    });
    scope.post(
      carrierCallbackPath,
      {
        schema: carrierCallbackSchema,
        preValidation: async (request) => checkSignature(options, request, rawBodies.get(request) ?? ''),
      },
      async (request) => applyDelivery(options, request.body),
    );
  });
}

function checkSignature(options: CallbackOptions, request: FastifyRequest, rawBody: string): void {
  if (options.webhook === undefined) return;
  const header = request.headers[signatureHeader];
  const check = verifySignature(
    options.webhook.secret,
    typeof header === 'string' ? header : undefined,
    rawBody,
    options.publishing.now(),
    options.webhook.toleranceSeconds,
  );
  if (!check.ok) {
    throw validationFailed([
      { field: signatureHeader, rule: 'signature', message: `signature ${check.reason}` },
    ]);
  }
}

export async function applyDelivery(options: CallbackOptions, callback: CarrierCallback) {
  const known = await read(() => findByCarrierShipment(options.pool, callback.shipmentId));
  if (known === null) throw notFound('Shipment', callback.shipmentId);
  if (
    known.orderId !== callback.reference.toLowerCase() ||
    known.trackingNumber !== callback.trackingNumber
  ) {
    throw conflict(
      `Shipment ${callback.shipmentId} has another reference or tracking number than the callback`,
    );
  }
  return withTransaction(options.pool, async (client) => {
    await lockOrder(client, known.orderId);
    const current = await findByOrder(client, known.orderId);
    if (current === null) throw notFound('Shipment', callback.shipmentId);
    await deliver(client, options.publishing, current, new Date(callback.deliveredAt));
    return toShipmentView(await findById(client, current.id));
  });
}

async function deliver(client: PoolClient, publishing: Publishing, current: ShipmentRow, deliveredAt: Date) {
  const decision = decide({ type: 'RecordDelivery' }, { shipment: current.status, cancelled: false });
  switch (decision.kind) {
    case 'record': {
      const at = publishing.now();
      await markDelivered(client, current.id, deliveredAt, at);
      await publishShipmentEvent(
        client,
        publishing,
        shipmentDelivered(current, { id: publishing.newId(), at }),
      );
      return;
    }
    case 'skip':
      return;
    case 'refused':
      throw invalidTransition('Shipment', decision.from, decision.to);
    default:
      return unreachable(decision);
  }
}

function toShipmentView(row: ShipmentRow | null) {
  if (row === null) throw new Error('shipment vanished inside its transaction');
  return toShipment(row);
}
