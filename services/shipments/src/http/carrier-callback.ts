import {
  AppError,
  conflict,
  type HttpApp,
  invalidTransition,
  malformedRequest,
  notFound,
  type Pool,
  type PoolClient,
  unreachable,
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
import { recordReceipt } from '../store/webhook-receipts.ts';
import { read } from './read.ts';
import { type CarrierCallback, carrierCallbackPath, carrierCallbackSchema } from './schemas.ts';
import { signatureHeader, verifySignature } from './signature.ts';

/**
 * POST /api/v1/shipments/callbacks/carrier: the carrier says a parcel arrived. Only a callback
 * signed with one of the webhook secrets, recently, and never seen before gets in: anything else is
 * a 401 (fail closed: without a secret, nothing gets in). DELIVERED and ShipmentDelivered commit in
 * one transaction; a repeated callback (signed anew) finds DELIVERED and changes nothing (200, so the
 * carrier stops retrying). Unknown shipment → 404, which the carrier retries: it may be a booking
 * whose record has not committed yet.
 */

export interface WebhookOptions {
  /** The secrets a callback may be signed with (the new one first while rotating); none refuses all. */
  secrets: readonly string[];
  toleranceSeconds: number;
}

export interface CallbackOptions {
  pool: Pool;
  publishing: Publishing;
  webhook: WebhookOptions;
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

async function checkSignature(
  options: CallbackOptions,
  request: FastifyRequest,
  rawBody: string,
): Promise<void> {
  const header = request.headers[signatureHeader];
  const now = options.publishing.now();
  const check = verifySignature(
    options.webhook.secrets,
    typeof header === 'string' ? header : undefined,
    rawBody,
    now,
    options.webhook.toleranceSeconds,
  );
  if (!check.ok) throw signatureRefused(check.reason);
  if (!(await read(() => recordReceipt(options.pool, check.replayKey, now)))) {
    throw signatureRefused('was used before: a callback is accepted once');
  }
}

function signatureRefused(reason: string): AppError {
  return new AppError('UNAUTHENTICATED', `${signatureHeader} ${reason}`, {
    fields: [{ field: signatureHeader, rule: 'signature', message: `signature ${reason}` }],
  });
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
