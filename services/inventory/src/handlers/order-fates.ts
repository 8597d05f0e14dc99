import type { OrderEvent } from '@microshop/contracts';
import { decodeOrderEvent, type TransactionalHandler, transactional } from '@microshop/platform';
import { fateEventTypes, fateOf } from '../domain/fates.ts';
import { recordFate } from '../store/fates.ts';

/**
 * The second consumer of `microshop.order-outbox` (group `inventory-order-fates`): it only records
 * each order's fate, apart from the reservations. Being a group of its own, it sees an order's end
 * even when the main consumer could not act on it (the event was dead-lettered there), and the reaper
 * (tasks/reaper.ts) settles what was left.
 */
export function recordOrderFates(options: { now: () => Date }): TransactionalHandler<OrderEvent> {
  return transactional({
    decode: (message) => decodeOrderEvent(message, fateEventTypes),
    apply: async (event, tx) => {
      const settlement = fateOf(event.type);
      if (settlement === null) return;
      await recordFate(tx.client, {
        orderId: event.orderId,
        settlement,
        status: event.status,
        eventId: tx.eventId,
        at: options.now(),
      });
    },
  });
}
