import type { OrderEventType } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';
import type { Settlement } from './stock.ts';

/**
 * An order's fate as inventory records it apart from its reservations (a consumer group of its own),
 * so the reaper can settle reservations whose own event never settled them — it was dead-lettered,
 * say. Pure.
 */

/** The statuses that decide a reservation's fate; the others settle nothing. */
export const fateEventTypes = [
  'OrderApproved',
  'OrderShipped',
  'OrderDelivered',
  'OrderFailed',
  'OrderCancelled',
] as const satisfies readonly OrderEventType[];

/** APPROVED (and after) commits the reservation; FAILED or CANCELLED releases it (or restocks it). */
export function fateOf(type: OrderEventType): Settlement | null {
  switch (type) {
    case 'OrderApproved':
    case 'OrderShipped':
    case 'OrderDelivered':
      return 'commit';
    case 'OrderFailed':
    case 'OrderCancelled':
      return 'release';
    case 'OrderCreated':
    case 'OrderValidated':
      return null;
    default:
      return unreachable(type);
  }
}

/**
 * The fate after `next` is seen: an ended order stays ended (a replayed approval changes nothing),
 * while an approved order may still be cancelled.
 */
export function laterFate(current: Settlement | null, next: Settlement): Settlement {
  return current === 'release' ? 'release' : next;
}
