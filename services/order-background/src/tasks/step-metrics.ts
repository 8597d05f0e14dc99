import type { OrderStatus } from '@microshop/contracts';
import { histogram, type Registry } from '@microshop/platform';

/** Seconds: a validation takes well under one, a delivery waits for the carrier (minutes in production). */
const buckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600];

/**
 * `microshop_order_step_duration_seconds{from,to}`: how long orders take from one status of the
 * checkout to the next (CREATED→VALIDATED, VALIDATED→APPROVED, APPROVED→SHIPPED, SHIPPED→DELIVERED),
 * by the timeline's times — the dashboard's step durations.
 */
export function stepHistogram(registry: Registry) {
  const steps = histogram(
    registry,
    'microshop_order_step_duration_seconds',
    'Time from an order entering one status of the checkout to entering the next.',
    { labelNames: ['from', 'to'], buckets },
  );
  return (from: OrderStatus, to: OrderStatus, seconds: number) => steps.observe({ from, to }, seconds);
}
