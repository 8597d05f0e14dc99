import {
  answerOnceJournaled,
  buildHttpApp,
  createFaultSwitch,
  type FaultSwitch,
  type HttpApp,
  type HttpBase,
  type HttpOutage,
} from '@microshop/platform';
import { book, type CarrierDeps, cancel, existing } from '../handlers/bookings.ts';
import { registerOutage } from './outage.ts';
import {
  bookSchema,
  cancelPath,
  cancelShipmentSchema,
  getShipmentSchema,
  listShipmentsSchema,
  shipmentLocation,
  shipmentPath,
  shipmentsPath,
} from './schemas.ts';

/**
 * The sandbox carrier's API:
 *   POST /v1/shipments                 book (Idempotency-Key required)
 *   GET  /v1/shipments/{id}            one shipment, with its callback's progress
 *   GET  /v1/shipments?reference=…     the shipments of a reference (tests count bookings per order)
 *   POST /v1/shipments/{id}/cancel     cancel before delivery
 *   GET/PUT/DELETE /api/v1/outage      operators: the outage switch (outage.ts)
 */

export interface HttpDeps extends HttpBase {
  carrier: CarrierDeps;
  /** The outage switch; a new one (off) unless given. */
  faults?: FaultSwitch<HttpOutage>;
}

/** The app with every route, not listening: the kit listens, tests use `inject` or port 0. */
export async function build({ carrier, faults, ...base }: HttpDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'carrier-sandbox',
    ...base,
    openapi: {
      title: 'sandbox-express carrier (sandbox)',
      version: '0.1.0',
      description: 'A local shipping company: books shipments and calls back when they are delivered.',
    },
  });
  answerOnceJournaled(app, carrier.store);
  registerOutage(app, faults ?? createFaultSwitch<HttpOutage>());
  registerRoutes(app, carrier);
  return app;
}

export function registerRoutes(app: HttpApp, carrier: CarrierDeps): void {
  app.post(shipmentsPath, { schema: bookSchema }, async (request, reply) => {
    const { shipment, replayed } = book(carrier, request.headers['idempotency-key'], request.body);
    reply.header('location', shipmentLocation(shipment.id));
    if (replayed) return reply.status(200).header('idempotent-replayed', 'true').send(shipment);
    return reply.status(201).send(shipment);
  });

  app.get(shipmentPath, { schema: getShipmentSchema }, async (request) =>
    existing(carrier, request.params.id),
  );

  app.get(shipmentsPath, { schema: listShipmentsSchema }, async (request) => ({
    shipments: carrier.store.byReference(request.query.reference),
  }));

  app.post(cancelPath, { schema: cancelShipmentSchema }, async (request) =>
    cancel(carrier, request.params.id),
  );
}
