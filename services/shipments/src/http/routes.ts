import { buildHttpApp, type HttpApp, type HttpBase, notFound } from '@microshop/platform';
import { findById, findByOrder, toShipment } from '../store/shipments.ts';
import { type CallbackOptions, registerCarrierCallback } from './carrier-callback.ts';
import { read } from './read.ts';
import { getShipmentSchema, listShipmentsSchema, shipmentPath, shipmentsPath } from './schemas.ts';

/**
 * The shipments API, reached through the gateway under the same paths:
 *   GET  /api/v1/shipments/{id}                  one shipment
 *   GET  /api/v1/shipments?orderId=…             an order's shipments
 *   POST /api/v1/shipments/callbacks/carrier     the carrier's delivery webhook
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
    if (row === null) throw notFound('Shipment', request.params.id);
    return toShipment(row);
  });
  app.get(shipmentsPath, { schema: listShipmentsSchema }, async (request) => {
    const row = await read(() => findByOrder(options.pool, request.query.orderId));
    return { shipments: row === null ? [] : [toShipment(row)] };
  });
  registerCarrierCallback(app, options);
  return app;
}
