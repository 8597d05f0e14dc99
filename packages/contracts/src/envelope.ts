import { z } from 'zod';

/**
 * What every outbox row carries as its Kafka value. The event id is also the Kafka header `id`
 * (set by Debezium's Outbox Event Router) and is what consumers record in their inbox.
 */
export const envelopeBase = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  /** The service that wrote the event. */
  source: z.string().min(1),
});
export type EnvelopeBase = z.infer<typeof envelopeBase>;

/**
 * The id and time a new event gets. Builders take them as an argument, so domain code stays pure and
 * a test can pin them; adapters pass `randomUUID()` and the clock.
 */
export interface EventStamp {
  id: string;
  at: Date;
}
