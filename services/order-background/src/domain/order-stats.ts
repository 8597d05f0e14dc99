import type { OrderStatus } from '@microshop/contracts';

// The operators' order statistics over a time range, made from the timeline: how many orders entered
// each status per bucket of time, the checkout funnel of the orders created in the range, and how
// long the steps took (percentiles). Pure: the store counts, this shapes.

export const statsRanges = { '15m': 15 * 60, '1h': 60 * 60, '24h': 24 * 60 * 60 } as const;
export type StatsRange = keyof typeof statsRanges;

/** One bar per minute up to an hour; a day is drawn in quarter hours (96 bars, not 1,440). */
export function bucketSecondsOf(range: StatsRange): number {
  return range === '24h' ? 15 * 60 : 60;
}

/** The checkout's path: the funnel's stages, in order. */
export const funnelStatuses = ['CREATED', 'VALIDATED', 'APPROVED', 'SHIPPED', 'DELIVERED'] as const;

/** The steps whose durations are measured: each stage to the next, and the whole way to SHIPPED. */
export const latencySteps = [
  ['CREATED', 'VALIDATED'],
  ['VALIDATED', 'APPROVED'],
  ['APPROVED', 'SHIPPED'],
  ['SHIPPED', 'DELIVERED'],
  ['CREATED', 'SHIPPED'],
] as const satisfies readonly (readonly [OrderStatus, OrderStatus])[];

export interface Window {
  from: Date;
  to: Date;
  bucketSeconds: number;
}

/** The range ending at `to`, its start aligned down to a bucket so the first bar is a whole one. */
export function windowOf(range: StatsRange, to: Date): Window {
  const bucketSeconds = bucketSecondsOf(range);
  const bucketMs = bucketSeconds * 1000;
  const start = to.getTime() - statsRanges[range] * 1000;
  return { from: new Date(Math.floor(start / bucketMs) * bucketMs), to, bucketSeconds };
}

export interface BucketCount {
  at: Date;
  status: OrderStatus;
  count: number;
}

export interface Bucket {
  at: string;
  counts: Partial<Record<OrderStatus, number>>;
}

/** Every bucket of the window, oldest first, empty ones included: a chart shows a quiet minute as zero. */
export function bucketsOf(window: Window, counted: readonly BucketCount[]): Bucket[] {
  const bucketMs = window.bucketSeconds * 1000;
  const byStart = new Map<number, Bucket>();
  for (let at = window.from.getTime(); at < window.to.getTime(); at += bucketMs) {
    byStart.set(at, { at: new Date(at).toISOString(), counts: {} });
  }
  for (const { at, status, count } of counted) {
    const bucket = byStart.get(Math.floor(at.getTime() / bucketMs) * bucketMs);
    if (bucket !== undefined) bucket.counts[status] = (bucket.counts[status] ?? 0) + count;
  }
  return [...byStart.values()];
}

export interface FunnelStage {
  status: OrderStatus;
  orders: number;
}

/** The funnel's stages in order, a stage no order reached as zero. */
export function funnelOf(reached: ReadonlyMap<OrderStatus, number>): FunnelStage[] {
  return funnelStatuses.map((status) => ({ status, orders: reached.get(status) ?? 0 }));
}
