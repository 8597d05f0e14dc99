import type { CustomerLevel, OrderEvent, RoutedOrderEvent } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';
import {
  type Awaited,
  decideEmail,
  type EmailContent,
  type EmailStatus,
  emailMessageId,
  emailStatusOf,
  type GracePeriods,
  graceFor,
  type OrderFacts,
  type Recipient,
} from './emails.ts';
import { chooseLevel, eventAgeMs, routedEvent, routedTopic, waitEndsAt } from './routing.ts';

/**
 * Taking an order status event forward: routing it, then queueing its customer email, as far as what
 * this service knows allows (see README, "Parking"). The same decision for an event just consumed and
 * for a parked one taken up again. Pure: the handler loads the state, then writes what `decide` says.
 */

/** What this service knows when it takes an event forward. */
export interface ForwardingState {
  /** Routed already: a parked event taken up again after its routing was done. */
  routed: boolean;
  /** The customer copy, null while no event of the customer has arrived. */
  customer: (Recipient & { level: CustomerLevel }) | null;
  /** The (order, status) email exists already: a second event of that status gets none. */
  emailQueued: boolean;
  facts: OrderFacts;
}

export interface ForwardingRules {
  routing: {
    /** How long an order waits for its customer before it is routed as bronze. */
    graceMs: number;
    /** `microshop.orders-` (tests use their own). */
    topicPrefix: string;
  };
  /** Customer emails; without them only routing runs (the routing tests). */
  emails?: { grace: GracePeriods };
}

/** Time and the routed event's id come in: `decide` stays pure. */
export type ForwardingCommand = { type: 'TakeForward'; event: OrderEvent; now: Date; routedEventId: string };

export type ForwardingEvent =
  /** `fallback`: the customer never came within the grace period; routed with the fallback level. */
  | { type: 'OrderRouted'; routed: RoutedOrderEvent; topic: string; fallback: boolean; ageMs: number }
  /** `missing`: queued without a fact it waited for in vain. */
  | {
      type: 'EmailQueued';
      status: EmailStatus;
      to: string;
      content: EmailContent;
      messageId: string;
      missing: Awaited | null;
    }
  /** No email: the customer is still unknown after the grace period. */
  | { type: 'EmailSkipped'; status: EmailStatus; why: 'no-recipient' }
  /** Something is not here yet and the event is young: it waits (parked) until `deadlineAt`. */
  | { type: 'WaitStarted'; awaiting: Awaited; deadlineAt: Date; routed: boolean };

/** Routing first (unless done), then the email: the events in the order the handler writes them. */
export function decide(
  command: ForwardingCommand,
  state: ForwardingState,
  rules: ForwardingRules,
): ForwardingEvent[] {
  const ageMs = eventAgeMs(command.event, command.now);
  const routing = state.routed ? [] : decideRouting(command, state, rules.routing, ageMs);
  const routed = routing.reduce(evolve, state);
  if (!routed.routed) return routing; // waiting for the customer: no email before the event is routed
  return [...routing, ...decideEmailOf(command.event, routed, rules.emails, ageMs)];
}

/** The state after `event`: routed, or with its email queued. */
export function evolve(state: ForwardingState, event: ForwardingEvent): ForwardingState {
  switch (event.type) {
    case 'OrderRouted':
      return { ...state, routed: true };
    case 'EmailQueued':
      return { ...state, emailQueued: true };
    case 'EmailSkipped':
    case 'WaitStarted':
      return state;
    default:
      return unreachable(event);
  }
}

function decideRouting(
  { event, now, routedEventId }: ForwardingCommand,
  state: ForwardingState,
  rules: ForwardingRules['routing'],
  ageMs: number,
): ForwardingEvent[] {
  const choice = chooseLevel(state.customer?.level ?? null, ageMs, rules.graceMs);
  if (choice.kind === 'wait') {
    return [
      {
        type: 'WaitStarted',
        awaiting: 'customer',
        deadlineAt: waitEndsAt(event, rules.graceMs),
        routed: false,
      },
    ];
  }
  const routed = routedEvent(event, choice.level, { now, eventId: routedEventId });
  const topic = routedTopic(rules.topicPrefix, choice.level);
  return [{ type: 'OrderRouted', routed, topic, fallback: choice.kind === 'fallback', ageMs }];
}

function decideEmailOf(
  event: OrderEvent,
  state: ForwardingState,
  rules: ForwardingRules['emails'],
  ageMs: number,
): ForwardingEvent[] {
  const status = emailStatusOf(event.status);
  // Checked before anything waits: a duplicate SHIPPED must not wait for a tracking number again.
  if (rules === undefined || status === null || state.emailQueued) return [];
  const decision = decideEmail({
    order: event.order,
    recipient: state.customer === null ? null : { name: state.customer.name, email: state.customer.email },
    facts: state.facts,
    ageMs,
    grace: rules.grace,
  });
  switch (decision.kind) {
    case 'none':
      return decision.why === 'not-notable' ? [] : [{ type: 'EmailSkipped', status, why: decision.why }];
    case 'wait': {
      const deadlineAt = waitEndsAt(event, graceFor(decision.awaiting, rules.grace));
      return [{ type: 'WaitStarted', awaiting: decision.awaiting, deadlineAt, routed: state.routed }];
    }
    case 'send': {
      const { to, content, missing } = decision;
      const messageId = emailMessageId(event.orderId, status);
      return [{ type: 'EmailQueued', status, to, content, messageId, missing }];
    }
    default:
      return unreachable(decision);
  }
}
