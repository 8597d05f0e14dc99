import type { Order, PlacedOrderRequest } from '@microshop/contracts';
import {
  appendToOutbox,
  type Created,
  createOnce,
  type IdempotentRequest,
  type Pool,
  withTransaction,
} from '@microshop/platform';
import { decide } from '../domain/decide.ts';
import { outboxEventsFor } from '../domain/events.ts';
import { insertOrder, loadOrder } from '../store/orders-store.ts';
import { type CommandDeps, toOutboxMessage } from './change-order.ts';
import { toAppError } from './errors.ts';

/**
 * Creates the order (CREATED) with its `OrderCreated` event in one transaction. With an idempotency
 * key, the key is claimed in that transaction (the kit's `createOnce`): the same key with the same
 * body answers with the first order (`created: false`), with another body it is refused (422).
 */
export async function placeOrder(
  pool: Pool,
  deps: CommandDeps,
  request: PlacedOrderRequest,
  idempotent: IdempotentRequest | null,
): Promise<Created<Order>> {
  const orderId = deps.newId();
  const now = deps.now();
  const decision = decide({ type: 'CreateOrder', orderId, request, now }, null);
  if (decision.outcome === 'rejected') throw toAppError(decision.error);
  return withTransaction(pool, (client) =>
    createOnce(client, idempotent, {
      id: orderId,
      load: async (id) => (await loadOrder(client, id))?.order ?? null,
      create: async () => {
        const { state, outbox } = outboxEventsFor(null, decision.events, deps.newId, now);
        if (state === null) throw new Error('OrderCreated left no order');
        await insertOrder(client, state, outbox);
        await appendToOutbox(client, outbox.map(toOutboxMessage));
        return state;
      },
    }),
  );
}
