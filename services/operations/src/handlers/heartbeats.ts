import { randomUUID } from 'node:crypto';
import {
  type HeartbeatEvent,
  heartbeatEvent,
  heartbeatEventSchema,
  type TopicName,
} from '@microshop/contracts';
import {
  appendToOutbox,
  decodeEvent,
  outboxMessage,
  type Pool,
  type TransactionalHandler,
  transactional,
  withTransaction,
} from '@microshop/platform';
import { type EventFlow, eventFlow } from '../domain/event-flow.ts';
import { heartbeatFigures, insertHeartbeat, markReturned } from '../store/heartbeats.ts';

/**
 * The heartbeat round trip: `sendHeartbeat` writes one through the outbox (the row and its outbox event
 * in one transaction); the consumer of the heartbeat topic notes each one that comes back.
 */
export function sendHeartbeat(options: { pool: Pool; topic: TopicName; instance: string }) {
  return () =>
    withTransaction(options.pool, async (client) => {
      const stamp = { id: randomUUID(), at: new Date() };
      await insertHeartbeat(client, { id: stamp.id, instance: options.instance, sentAt: stamp.at });
      const event = heartbeatEvent(options.instance, stamp);
      await appendToOutbox(client, [outboxMessage(event, { topic: options.topic, key: options.instance })]);
    });
}

export function readHeartbeats(): TransactionalHandler<HeartbeatEvent> {
  return transactional({
    decode: (message) => decodeEvent(message.value, ['Heartbeat'], heartbeatEventSchema),
    apply: (event, tx) => markReturned(tx.client, event.id),
  });
}

/** Whether events flow now, from the heartbeats that came back (domain/event-flow.ts). */
export function currentEventFlow(options: { pool: Pool; thresholdMs: number; startedAt: Date }) {
  return async (): Promise<EventFlow> => eventFlow(await heartbeatFigures(options.pool), new Date(), options);
}
