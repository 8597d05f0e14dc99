import type { EventStamp, ShipmentDelivered, ShipmentDispatched } from '@microshop/contracts';

/**
 * What shipments says on `microshop.shipments` (key = order id): the parcel left with a tracking
 * number, and it arrived. Pure: event ids and times come in as `EventStamp`.
 */

export const shipmentsSource = 'shipments';

export interface DispatchedShipment {
  id: string;
  orderId: string;
  trackingNumber: string;
  carrier: string;
}

export function shipmentDispatched(shipment: DispatchedShipment, stamp: EventStamp): ShipmentDispatched {
  return {
    id: stamp.id,
    type: 'ShipmentDispatched',
    occurredAt: stamp.at.toISOString(),
    source: shipmentsSource,
    orderId: shipment.orderId,
    shipmentId: shipment.id,
    trackingNumber: shipment.trackingNumber,
    carrier: shipment.carrier,
  };
}

export function shipmentDelivered(
  shipment: { id: string; orderId: string },
  stamp: EventStamp,
): ShipmentDelivered {
  return {
    id: stamp.id,
    type: 'ShipmentDelivered',
    occurredAt: stamp.at.toISOString(),
    source: shipmentsSource,
    orderId: shipment.orderId,
    shipmentId: shipment.id,
  };
}
