import type { InboxMessage, Pool } from '@microshop/platform';
import type { Carrier } from '../clients/carrier.ts';
import type { Publishing } from '../store/outbox-events.ts';

/** What the order-event handlers work with; main builds it once. */
export interface ShippingDeps {
  pool: Pool;
  /** The inbox's consumer name: the consumer group. */
  consumer: string;
  carrier: Carrier;
  publishing: Publishing;
  /** Where the carrier reports delivery: `<SHIPMENTS_PUBLIC_URL>/api/v1/shipments/callbacks/carrier`. */
  callbackUrl: string;
}

/** The message being handled, as the inbox records it. */
export type Delivery = InboxMessage;
