import type { OrderEvent, TopicName } from '@microshop/contracts';
import {
  type ConsumedMessage,
  concurrentUpdate,
  currentTraceparent,
  handleOnce,
  inboxMessageOf,
  type Pool,
  type PoolClient,
} from '@microshop/platform';
import { execute, type PaymentProvider } from '../clients/payment-provider.ts';
import { type CallResult, type Decision, decide } from '../domain/decide.ts';
import { evolve, type PaymentFact, type PaymentState, paymentStatus } from '../domain/payment.ts';
import { publishPaymentEvents } from '../store/outbox-events.ts';
import { forgetSettledMethods, revealToken } from '../store/payment-methods.ts';
import { isHandled, lockOrder, markChargeAttempted, readState, recordFacts } from '../store/payment-state.ts';
import type { TokenCipher } from '../store/token-cipher.ts';

/**
 * One order event, handled in two phases:
 *   1. outside any transaction, the provider calls `decide` asks for (charge, refund, look-up),
 *      each with an idempotency key derived from the order, so repeating them is harmless;
 *   2. one transaction (handleOnce): the inbox row, the order locked and its state read again, the
 *      facts `decide` names recorded and its events written to the outbox.
 * It cannot be the kit's transactional handler: the provider is called between two transactions.
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
  /** Opens the card tokens kept under the payment references. */
  cipher: TokenCipher;
  /** A token registered more recently than this is kept even if no order waits for it (yet). */
  methodGraceMs: number;
  /** `microshop.payments` (tests use their own). */
  paymentsTopic: TopicName;
  now: () => Date;
  newId: () => string;
}

export type Recorded = Extract<Decision, { kind: 'record' }>;

export type StepOutcome =
  | { status: 'skipped' }
  | { status: 'handled'; recorded: Recorded; state: PaymentState };

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
      return handled.status === 'skipped' ? handled : { status: 'handled', ...handled.result };
    } catch (error) {
      if (!(error instanceof StateMoved)) throw error;
    }
  }
  throw concurrentUpdate(`payment state of order ${event.orderId} kept changing; try again`);
}

/** Makes every call `decide` asks for, in order, adding each result to `results`. */
async function callProvider(
  deps: PaymentDeps,
  event: OrderEvent,
  state: PaymentState,
  results: CallResult[],
  signal: AbortSignal | undefined,
): Promise<void> {
  const stamp = { newId: deps.newId, at: deps.now() };
  for (;;) {
    const decision = decide({ type: 'ActOnOrderEvent', event, results }, state, stamp);
    if (decision.kind !== 'call') return;
    const { call } = decision;
    // Before the request leaves: if this handler never records the charge, the order's end
    // will know to ask the provider whether the charge was made.
    if (call.kind === 'charge') {
      await markChargeAttempted(deps.pool, call.orderId, deps.now(), currentTraceparent());
    }
    const tokenOf = (reference: string) => revealToken(deps.pool, deps.cipher, reference);
    results.push(
      await execute(deps.provider, call, { tokenOf, ...(signal === undefined ? {} : { signal }) }),
    );
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
): Promise<{ recorded: Recorded; state: PaymentState }> {
  await lockOrder(client, event.orderId);
  const state = await readState(client, event.orderId);
  const at = deps.now();
  const decision = decide({ type: 'ActOnOrderEvent', event, results }, state, { newId: deps.newId, at });
  if (decision.kind === 'call') throw new StateMoved('the order changed during the provider call');
  await recordFacts(client, { orderId: event.orderId, customerId: event.customerId }, decision.facts, at);
  await publishPaymentEvents(client, deps.paymentsTopic, decision.events);
  const after = decision.facts.reduce(evolve, state);
  if (after.reference !== null && decision.facts.some(settles)) {
    // Charged, refused or ended: the token goes unless another order still waits for it.
    const registeredBefore = new Date(at.getTime() - deps.methodGraceMs);
    await forgetSettledMethods(client, { registeredBefore, references: [after.reference] });
  }
  return { recorded: decision, state: after };
}

/** A fact after which the order's charge will never need its card token again. */
function settles(fact: PaymentFact): boolean {
  return fact.type === 'ChargeRecorded' || fact.type === 'OrderEnded';
}

/** The payment's status after the event, for the log line. */
export function statusAfter(outcome: StepOutcome): string {
  return outcome.status === 'handled' ? paymentStatus(outcome.state) : 'unchanged';
}
