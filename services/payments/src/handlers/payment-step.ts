import type { OrderEvent, TopicName } from '@microshop/contracts';
import {
  type ConsumedMessage,
  concurrentUpdate,
  handleOnce,
  inboxMessageOf,
  type Pool,
  type PoolClient,
} from '@microshop/platform';
import { type Conclusion, conclude } from '../domain/conclusion.ts';
import { type CallResult, nextCall, type PaymentState } from '../domain/payment.ts';
import { execute, type PaymentProvider } from '../provider/provider.ts';
import { publishPaymentEvents } from '../store/outbox-events.ts';
import {
  applyConclusion,
  isHandled,
  lockOrder,
  markChargeAttempted,
  readState,
} from '../store/payment-state.ts';

/**
 * One order event, handled in two phases:
 *   1. outside any transaction, the provider calls the domain asks for (charge, refund, look-up),
 *      each with an idempotency key derived from the order, so repeating them is harmless;
 *   2. one transaction (handleOnce): the inbox row, the order locked and its state read again, the
 *      outcome recorded and its events written to the outbox.
 * If the state moved between the two (the order was cancelled while the provider was charging),
 * the fresh state needs another call: the transaction is rolled back and phase 1 runs again with
 * the results so far. A crash anywhere before the commit leaves nothing recorded; the redelivered
 * event repeats the calls with the same keys and gets the provider's first answers back.
 */

export interface PaymentDeps {
  pool: Pool;
  /** The inbox's consumer name: the consumer group. */
  consumer: string;
  provider: PaymentProvider;
  /** `microshop.payments` (tests use their own). */
  paymentsTopic: TopicName;
  now: () => Date;
  newId: () => string;
}

export type StepOutcome = { status: 'skipped' } | { status: 'handled'; conclusion: Conclusion };

/** How often the state may move under one event before the consumer is asked to retry it. */
const maxRounds = 3;

export async function handleOrderEvent(
  deps: PaymentDeps,
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  event: OrderEvent,
  signal?: AbortSignal,
): Promise<StepOutcome> {
  const inbox = inboxMessageOf(message, event.id);
  // A copy of an event already handled needs no provider call (handleOnce would skip it anyway).
  if (await isHandled(deps.pool, deps.consumer, inbox.eventId)) return { status: 'skipped' };
  const results: CallResult[] = [];
  for (let round = 1; round <= maxRounds; round++) {
    await callProvider(deps, event, await readState(deps.pool, event.orderId), results, signal);
    try {
      const handled = await handleOnce(deps.pool, deps.consumer, inbox, (client) =>
        record(deps, client, event, results),
      );
      return handled.status === 'skipped' ? handled : { status: 'handled', conclusion: handled.result };
    } catch (error) {
      if (!(error instanceof StateMoved)) throw error;
    }
  }
  throw concurrentUpdate(`payment state of order ${event.orderId} kept changing; try again`);
}

/** Makes every call the domain asks for, in order, adding each result to `results`. */
async function callProvider(
  deps: PaymentDeps,
  event: OrderEvent,
  state: PaymentState,
  results: CallResult[],
  signal: AbortSignal | undefined,
): Promise<void> {
  for (let call = nextCall(event, state, results); call !== null; call = nextCall(event, state, results)) {
    // Before the request leaves: if this handler never records the charge, the order's end
    // will know to ask the provider whether the charge was made.
    if (call.kind === 'charge') await markChargeAttempted(deps.pool, call.orderId, deps.now());
    results.push(await execute(deps.provider, call, signal === undefined ? {} : { signal }));
  }
}

class StateMoved extends Error {
  override readonly name = 'StateMoved';
}

async function record(
  deps: PaymentDeps,
  client: PoolClient,
  event: OrderEvent,
  results: readonly CallResult[],
): Promise<Conclusion> {
  await lockOrder(client, event.orderId);
  const state = await readState(client, event.orderId);
  if (nextCall(event, state, results) !== null)
    throw new StateMoved('the order changed during the provider call');
  const at = deps.now();
  const conclusion = conclude(event, state, results, { newId: deps.newId, at });
  await applyConclusion(client, { orderId: event.orderId, customerId: event.customerId }, conclusion, at);
  await publishPaymentEvents(client, deps.paymentsTopic, conclusion.events);
  return conclusion;
}
