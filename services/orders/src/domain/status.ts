import type { OrderStatus } from '@microshop/contracts';
import { InvalidTransitionError } from './errors.ts';

/**
 * The order status machine. Happy path CREATED → VALIDATED → APPROVED → SHIPPED → DELIVERED;
 * an order fails only before payment is taken (validation, payment, timeout) and can be cancelled
 * only before it ships. Everything not listed here is refused.
 */
export const allowedTransitions = {
  CREATED: ['VALIDATED', 'FAILED', 'CANCELLED'],
  VALIDATED: ['APPROVED', 'FAILED', 'CANCELLED'],
  APPROVED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  FAILED: [],
  CANCELLED: [],
} as const satisfies Record<OrderStatus, readonly OrderStatus[]>;

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  const targets: readonly OrderStatus[] = allowedTransitions[from];
  return targets.includes(to);
}

/** Throws `InvalidTransitionError` ("cannot change from X to Y") unless the change is allowed. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
}

/** A terminal status allows no further change. */
export function isTerminal(status: OrderStatus): boolean {
  return allowedTransitions[status].length === 0;
}

/** Every status reachable from `status` in one or more changes (not `status` itself). */
export function reachableFrom(status: OrderStatus): ReadonlySet<OrderStatus> {
  const seen = new Set<OrderStatus>();
  const pending: OrderStatus[] = [...allowedTransitions[status]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    pending.push(...allowedTransitions[next]);
  }
  return seen;
}
