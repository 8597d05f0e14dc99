import { buildHttpApp, type HttpApp, type HttpBase, isOperator, notFound } from '@microshop/platform';
import type { FastifyRequest } from 'fastify';
import { findById, findByOrder, type ShipmentRow, toShipment } from '../store/shipments.ts';
import { type CallbackOptions, registerCarrierCallback } from './carrier-callback.ts';
import { read } from './read.ts';
import { getShipmentSchema, listShipmentsSchema, shipmentPath, shipmentsPath } from './schemas.ts';

/**
 * The shipments API, reached through the gateway under the same paths:
 *   GET  /api/v1/shipments/{id}                  one shipment (its order's customer, or operators)
 *   GET  /api/v1/shipments?orderId=…             an order's shipments (likewise; none for anyone else)
 *   POST /api/v1/shipments/callbacks/carrier     the carrier's delivery webhook (signed)
 */

export interface HttpDeps extends HttpBase, CallbackOptions {}

/** The app with every route, not listening: the kit listens, tests use `inject` or port 0. */
export async function build({ pool, publishing, webhook, ...base }: HttpDeps): Promise<HttpApp> {
  const options: CallbackOptions = { pool, publishing, webhook };
  const app = await buildHttpApp({
    serviceName: 'shipments',
    ...base,
    openapi: {
      title: 'microshop shipments',
      version: '0.1.0',
      description: 'Shipments of approved orders: carrier, tracking number, delivery.',
    },
  });
  app.get(shipmentPath, { schema: getShipmentSchema }, async (request) => {
    const row = await read(() => findById(options.pool, request.params.id));
    if (row === null || !readableBy(request, row)) throw notFound('Shipment', request.params.id);
    return toShipment(row);
  });
  app.get(shipmentsPath, { schema: listShipmentsSchema }, async (request) => {
    const row = await read(() => findByOrder(options.pool, request.query.orderId));
    // Another customer's order lists nothing, as an order without a shipment does.
    return { shipments: row === null || !readableBy(request, row) ? [] : [toShipment(row)] };
  });
  registerCarrierCallback(app, options);
  return app;
}

/** Operators read every shipment; a customer those of their own orders. */
function readableBy(request: FastifyRequest, row: ShipmentRow): boolean {
  return (
    isOperator(request.principal) ||
    (row.customerId !== null && row.customerId === request.principal?.subject)
  );
}
