import { type TopicName, topics } from '@microshop/contracts';
import {
  commaList,
  envHttpUrl,
  envInteger,
  envProfile,
  envSecretList,
  envTopic,
  serviceConfig,
} from '@microshop/platform';
import { z } from 'zod';
import { carrierCallbackPath } from './http/schemas.ts';

/** `UPSTREAM_<SERVICE>` as the stack runner sets it: comma-separated base URLs. */
const upstreamList = z
  .string()
  .transform(commaList)
  .refine((urls) => urls.every((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)), {
    message: 'must be a comma-separated list of http(s) base URLs',
  })
  .optional();

/**
 * The environment of the shipments service, read once by the kit. Topic, group and schema names
 * default to the real ones and are overridable so a test runs the process on its own.
 */
export const shipmentsConfig = z
  .object({
    ...serviceConfig({ name: 'shipments', port: 8106 }),
    /** Where the order status events come from. */
    ORDER_EVENTS_TOPIC: envTopic(topics.orderOutbox),
    /** Where ShipmentDispatched and ShipmentDelivered go (through the outbox). */
    SHIPMENTS_TOPIC: envTopic(topics.shipments),
    /**
     * Handler calls before an event failing for an unknown reason (a bug) is dead-lettered. A carrier
     * that is down is waited out by the kit's consumer, however long it takes.
     */
    CONSUMER_MAX_ATTEMPTS: envInteger({ min: 1, max: 1000, default: 10 }),
    /** The carrier's base URL; else the first of UPSTREAM_CARRIER_SANDBOX; else the sandbox's default port. */
    CARRIER_URL: envHttpUrl().optional(),
    UPSTREAM_CARRIER_SANDBOX: upstreamList,
    CARRIER_TIMEOUT_MS: envInteger({ min: 10, max: 120_000, default: 5000 }),
    CARRIER_MAX_ATTEMPTS: envInteger({ min: 1, max: 20, default: 3 }),
    CARRIER_RETRY_BACKOFF_MS: envInteger({ min: 1, max: 60_000, default: 200 }),
    /** Failed attempts in a row that open the carrier's circuit: calls then fail at once. */
    CARRIER_BREAKER_FAILURES: envInteger({ min: 1, max: 1000, default: 5 }),
    /** How long the circuit stays open before one trial call may go through. */
    CARRIER_BREAKER_HALF_OPEN_MS: envInteger({ min: 10, max: 600_000, default: 5000 }),
    /**
     * The base URL the carrier calls back, the same for every instance (it is part of the booking
     * request, which must not change between retries). Else the first of UPSTREAM_SHIPMENTS; else
     * this instance's own address.
     */
    SHIPMENTS_PUBLIC_URL: envHttpUrl().optional(),
    UPSTREAM_SHIPMENTS: upstreamList,
    MICROSHOP_PROFILE: envProfile,
    /**
     * Delivery callbacks must carry an X-Carrier-Signature made with one of these (`new,old` while one
     * is rotated). Without any, every callback is refused (401); outside dev and test the service
     * refuses to start without one.
     */
    CARRIER_WEBHOOK_SECRETS: envSecretList(16).optional(),
    /** The single secret earlier versions read; accepted beside the list. */
    CARRIER_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /** How far a signature's time may be from ours; a signature is accepted once within it. */
    CARRIER_WEBHOOK_TOLERANCE_S: envInteger({ min: 1, max: 86_400, default: 300 }),
  })
  .superRefine((config, context) => {
    if (config.MICROSHOP_PROFILE !== 'production' || webhookSecretsOf(config).length > 0) return;
    context.addIssue({
      code: 'custom',
      path: ['CARRIER_WEBHOOK_SECRETS'],
      message: 'is required outside the dev and test profiles: the carrier webhook needs its secret',
    });
  });
export type ShipmentsConfig = z.output<typeof shipmentsConfig>;

/** Every secret a callback may be signed with, the current one first. */
export function webhookSecretsOf(
  config: Pick<ShipmentsConfig, 'CARRIER_WEBHOOK_SECRETS' | 'CARRIER_WEBHOOK_SECRET'>,
): string[] {
  const single = config.CARRIER_WEBHOOK_SECRET;
  const listed = config.CARRIER_WEBHOOK_SECRETS ?? [];
  return single === undefined || listed.includes(single) ? listed : [...listed, single];
}

export function carrierUrlOf(config: ShipmentsConfig): string {
  return config.CARRIER_URL ?? config.UPSTREAM_CARRIER_SANDBOX?.[0] ?? 'http://127.0.0.1:8122';
}

export function callbackUrlOf(config: ShipmentsConfig): string {
  const base =
    config.SHIPMENTS_PUBLIC_URL ??
    config.UPSTREAM_SHIPMENTS?.[0] ??
    `http://${config.HTTP_HOST}:${config.HTTP_PORT}`;
  return new URL(carrierCallbackPath, base).toString();
}

/**
 * The shipments topic as the outbox types it. Only the catalog's topics exist on the stack's
 * broker; another name is a test's own topic, which the outbox takes as it is.
 */
export function shipmentsTopicOf(config: ShipmentsConfig): TopicName {
  return config.SHIPMENTS_TOPIC as TopicName;
}
