import { z } from 'zod';
import { type EventStamp, envelopeBase } from './envelope.ts';

// The operations service's heartbeat (topic `microshop.heartbeats`, key = the instance that wrote it):
// written through its own outbox every few seconds and consumed back by the same service, so a
// heartbeat that comes back proves the whole path outbox → Debezium → Kafka → consumer works.

export const heartbeatEventSchema = envelopeBase.extend({
  type: z.literal('Heartbeat'),
  source: z.literal('operations'),
  /** The instance that wrote it, e.g. `operations-1`. */
  instance: z.string().min(1),
});
export type HeartbeatEvent = z.infer<typeof heartbeatEventSchema>;

export function heartbeatEvent(instance: string, stamp: EventStamp): HeartbeatEvent {
  return {
    id: stamp.id,
    type: 'Heartbeat',
    occurredAt: stamp.at.toISOString(),
    source: 'operations',
    instance,
  };
}
