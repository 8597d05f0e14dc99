import type { Order, PlacedOrderRequest } from '@microshop/contracts';
import {
  appendToOutbox,
  type Created,
  createOnce,
  type IdempotentRequest,
  isAppError,
  mapPgError,
  type Pool,
  withTransaction,
} from '@microshop/platform';
import type { PaymentMethods } from '../clients/payment-methods.ts';
import { decide, type PlacedOrder } from '../domain/decide.ts';
import { outboxEventsFor } from '../domain/events.ts';
import { insertOrder, loadOrder } from '../store/orders-store.ts';
import { type CommandDeps, toOutboxMessage } from './change-order.ts';
import { toAppError } from './errors.ts';
import { keyClaimed, priceOrThrow } from './price-order.ts';

/**
 * Places an order: prices its lines from the catalog (refusing an unknown sku or another price at
 * once), hands the card token to payments for a payment reference, then creates the order (CREATED)
 * with its `OrderCreated` in one transaction; neither carries the token. With an idempotency key the
 * key is claimed in that transaction (the kit's `createOnce`) over the request with the reference in
 * place of the token: the same key and body answer with the first order (`created: false`), another
 * body is refused (422).
 */

export interface PlaceOrderDeps {
  paymentMethods: PaymentMethods;
  /** The caller's `Authorization` header, passed on to payments. */
  authorization: string | undefined;
}

export async function placeOrder(
  pool: Pool,
  deps: CommandDeps,
  request: PlacedOrderRequest,
  idempotent: IdempotentRequest | null,
  payment: PlaceOrderDeps,
): Promise<Created<Order>> {
  // A replay is answered with the order its key made, whatever the catalog says now.
  if (!(await read(() => keyClaimed(pool, idempotent)))) await read(() => priceOrThrow(pool, request.items));
  const reference = await payment.paymentMethods.register(request.payment.token, payment.authorization);
  const placed = { ...request, payment: { reference } };
  try {
    return await createOrder(
      pool,
      deps,
      placed,
      idempotent === null ? null : { ...idempotent, body: placed },
    );
  } catch (error) {
    // A key claimed before orders carried references was fingerprinted over the body as sent.
    if (idempotent === null || !isAppError(error) || error.code !== 'IDEMPOTENCY_KEY_REUSED') throw error;
    return createOrder(pool, deps, placed, idempotent);
  }
}

/** The order in one transaction, its key claimed over `idempotent.body` (the kit's `createOnce`). */
function createOrder(
  pool: Pool,
  deps: CommandDeps,
  placed: Omit<PlacedOrder, 'items'> & Pick<PlacedOrderRequest, 'items'>,
  idempotent: IdempotentRequest | null,
): Promise<Created<Order>> {
  const orderId = deps.newId();
  const now = deps.now();
  return withTransaction(pool, (client) =>
    createOnce(client, idempotent, {
      id: orderId,
      load: async (id) => (await loadOrder(client, id))?.order ?? null,
      create: async () => {
        const items = await priceOrThrow(client, placed.items);
        const order: PlacedOrder = { ...placed, items };
        const decision = decide({ type: 'CreateOrder', orderId, request: order, now }, null);
        if (decision.outcome === 'rejected') throw toAppError(decision.error);
        const { state, outbox } = outboxEventsFor(null, decision.events, deps.newId, now);
        if (state === null) throw new Error('OrderCreated left no order');
        await insertOrder(client, state, outbox);
        await appendToOutbox(client, outbox.map(toOutboxMessage));
        return state;
      },
    }),
  );
}

/** A plain read outside a transaction: a lost database becomes a retriable 503, not a 500. */
async function read<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    throw mapPgError(error);
  }
}
