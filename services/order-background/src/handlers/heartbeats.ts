import { type HeartbeatEvent, heartbeatEventSchema } from '@microshop/contracts';
import { decodeEvent, type TransactionalHandler, transactional } from '@microshop/platform';
import { recordHeartbeats } from '../store/flow-store.ts';

/**
 * The consumer of `microshop.heartbeats` (the operations service's heartbeats through its outbox):
 * each one read back soon enough is a proof that events flow, and a long gap between proofs is a pause
 * no deadline counts (domain/flow.ts). `now` is when the heartbeat was read.
 */
export function readHeartbeats(options: {
  thresholdMs: number;
  now?: () => Date;
}): TransactionalHandler<HeartbeatEvent> {
  const now = options.now ?? (() => new Date());
  return transactional({
    decode: (message) => decodeEvent(message.value, ['Heartbeat'], heartbeatEventSchema),
    apply: (event, tx) =>
      recordHeartbeats(
        tx.client,
        [{ sentAt: new Date(event.occurredAt), seenAt: now() }],
        options.thresholdMs,
      ),
  });
}
