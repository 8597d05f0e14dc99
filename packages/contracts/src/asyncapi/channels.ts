import { z } from 'zod';
import { productChangedEventSchema } from '../catalog.ts';
import { customerChangedEventSchema } from '../customers.ts';
import { heartbeatEventSchema } from '../operations.ts';
import {
  expireOrderCommandSchema,
  idSchema,
  orderApprovedEventSchema,
  orderCancelledEventSchema,
  orderCreatedEventSchema,
  orderDeliveredEventSchema,
  orderFailedEventSchema,
  orderShippedEventSchema,
  orderValidatedEventSchema,
  paymentFailedSchema,
  paymentSucceededSchema,
  shipmentDeliveredSchema,
  shipmentDispatchedSchema,
  skuSchema,
  validationDecisionRejectedSchema,
  validationDecisionValidatedSchema,
} from '../orders.ts';
import { paymentRefundedSchema } from '../payments.ts';
import { routedOrderEventSchema } from '../routing.ts';
import { customerLevels, ordersByLevelTopic, type TopicName, topics } from '../topics.ts';
import { orderValidationEventSchema } from '../validations.ts';

// What travels on each topic: its key, and every message a producer writes there. The AsyncAPI
// document is generated from this table; a test checks that it covers every topic of `topicCatalog`.

export interface MessageSpec {
  /** The envelope's zod schema: the payload of the Kafka value (JSON). */
  schema: z.ZodObject;
  summary: string;
}

export interface ChannelSpec {
  /** The topic, or `microshop.orders-{level}` for the topics routed by customer level. */
  address: string;
  /** The concrete topics the address stands for. */
  topics: readonly TopicName[];
  description: string;
  key: z.ZodType;
  compacted?: boolean;
  /** The variables of a templated address, each with the values it takes. */
  parameters?: Readonly<Record<string, { values: readonly string[]; description: string }>>;
  /** Keyed by the message's name in the document (its TypeScript type's name). */
  messages: Readonly<Record<string, MessageSpec>>;
}

/** The dead-letter topic carries any other topic's record unchanged, so it has no payload schema. */
export interface DeadLetterChannelSpec extends Omit<ChannelSpec, 'messages'> {
  deadLetter: true;
}

/** A channel that is one topic. */
function onTopic(topic: TopicName): Pick<ChannelSpec, 'address' | 'topics'> {
  return { address: topic, topics: [topic] };
}

const orderId = idSchema.describe('The order id');
const customerId = idSchema.describe('The customer id');

const orderStatusEvents = {
  OrderCreatedEvent: {
    schema: orderCreatedEventSchema,
    summary: 'An order was placed (it carries the payment token)',
  },
  OrderValidatedEvent: { schema: orderValidatedEventSchema, summary: 'Every check passed' },
  OrderApprovedEvent: { schema: orderApprovedEventSchema, summary: 'The payment was captured' },
  OrderShippedEvent: { schema: orderShippedEventSchema, summary: 'The carrier took the parcel' },
  OrderDeliveredEvent: { schema: orderDeliveredEventSchema, summary: 'The carrier delivered the parcel' },
  OrderFailedEvent: {
    schema: orderFailedEventSchema,
    summary: 'A check failed, the payment was declined or the order timed out',
  },
  OrderCancelledEvent: { schema: orderCancelledEventSchema, summary: 'The customer cancelled the order' },
} satisfies Record<string, MessageSpec>;

export const channelSpecs = {
  orderOutbox: {
    ...onTopic(topics.orderOutbox),
    description: 'Order status events from the orders service, each with the whole order after the change.',
    key: customerId,
    messages: orderStatusEvents,
  },
  orderValidations: {
    ...onTopic(topics.orderValidations),
    description: 'PASS/FAIL of the fraud, inventory and order-details checks, one per check and order.',
    key: orderId,
    messages: {
      OrderValidationEvent: {
        schema: orderValidationEventSchema,
        summary: "One validator's verdict on one order",
      },
    },
  },
  orderDecisions: {
    ...onTopic(topics.orderDecisions),
    description: "The validation aggregator's one decision per order, once the three verdicts are in.",
    key: orderId,
    messages: {
      ValidationDecisionValidated: {
        schema: validationDecisionValidatedSchema,
        summary: 'Every check passed',
      },
      ValidationDecisionRejected: { schema: validationDecisionRejectedSchema, summary: 'A check failed' },
    },
  },
  orderCommands: {
    ...onTopic(topics.orderCommands),
    description: 'Commands to the orders service.',
    key: orderId,
    messages: {
      ExpireOrderCommand: {
        schema: expireOrderCommandSchema,
        summary: "The watchdog's expiry: fail the order if it is still in the expected status",
      },
    },
  },
  customers: {
    ...onTopic(topics.customers),
    description: 'Every change of a customer, with the whole customer (compacted: the latest per customer).',
    key: customerId,
    compacted: true,
    messages: {
      CustomerChangedEvent: {
        schema: customerChangedEventSchema,
        summary: 'A customer registered or changed',
      },
    },
  },
  products: {
    ...onTopic(topics.products),
    description: 'Catalog changes from inventory: price, stock, reserved (compacted: the latest per sku).',
    key: skuSchema.describe('The sku'),
    compacted: true,
    messages: {
      ProductChangedEvent: {
        schema: productChangedEventSchema,
        summary: "A product's price or stock changed",
      },
    },
  },
  payments: {
    ...onTopic(topics.payments),
    description: 'Payment results and refunds from the payments service.',
    key: orderId,
    messages: {
      PaymentSucceeded: { schema: paymentSucceededSchema, summary: 'The order total was captured' },
      PaymentFailed: {
        schema: paymentFailedSchema,
        summary: 'The payment was declined or could not be made',
      },
      PaymentRefunded: { schema: paymentRefundedSchema, summary: 'A capture was refunded (a compensation)' },
    },
  },
  shipments: {
    ...onTopic(topics.shipments),
    description: 'Shipment dispatch and delivery from the shipments service.',
    key: orderId,
    messages: {
      ShipmentDispatched: { schema: shipmentDispatchedSchema, summary: 'The carrier booked the parcel' },
      ShipmentDelivered: { schema: shipmentDeliveredSchema, summary: 'The carrier delivered the parcel' },
    },
  },
  ordersByLevel: {
    address: 'microshop.orders-{level}',
    topics: customerLevels.map(ordersByLevelTopic),
    parameters: { level: { values: customerLevels, description: "The customer's level" } },
    description: "Every order event, enriched with its customer's level and routed to that level's topic.",
    key: orderId,
    messages: {
      RoutedOrderEvent: { schema: routedOrderEventSchema, summary: 'An order event with its customer level' },
    },
  },
  heartbeats: {
    ...onTopic(topics.heartbeats),
    description:
      "The operations service's heartbeats, written through its outbox and read back by it and by order-background (whose deadlines count only while events flow): proof that events flow.",
    key: z.string().describe('The operations instance that wrote it'),
    messages: {
      HeartbeatEvent: { schema: heartbeatEventSchema, summary: 'A heartbeat of one operations instance' },
    },
  },
} as const satisfies Record<string, ChannelSpec>;

export const deadLetterChannelSpec: DeadLetterChannelSpec = {
  ...onTopic(topics.deadLetter),
  description:
    'Records a consumer could not handle, parked unchanged (key, value, headers) with the reason in dlq.* headers.',
  key: z.string().nullable().describe("The original record's key"),
  deadLetter: true,
};
