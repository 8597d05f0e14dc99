import type { OrderStatus } from '@microshop/contracts';
import { orderStatuses } from '@microshop/contracts';
import type { Parsed } from './errors.ts';
import { reachableFrom } from './status.ts';

// The blocking GET (`?waitFor=S1,S2&timeout=MS`, read your own writes): what to wait for, how long,
// and whether the order is there yet.

type HistoryEntry = OrderStatus | { status: OrderStatus };

/**
 * True when the order is in one of `wanted` now or was at any earlier point: an order that went
 * VALIDATED → APPROVED before the request came has still "reached" VALIDATED. `history` holds every
 * status the order has had, the current one included (a timeline, or the statuses alone).
 */
export function hasReached(history: readonly HistoryEntry[], wanted: readonly OrderStatus[]): boolean {
  return history.some((entry) => wanted.includes(typeof entry === 'string' ? entry : entry.status));
}

/**
 * False when no status in `wanted` can be reached any more from `current` (e.g. waiting for
 * APPROVED on a FAILED order): the caller need not hold the request open for the whole timeout.
 */
export function canStillReach(current: OrderStatus, wanted: readonly OrderStatus[]): boolean {
  const ahead = reachableFrom(current);
  return wanted.some((status) => status === current || ahead.has(status));
}

/**
 * `waitFor`: comma-separated statuses (case-insensitive, repeated parameters allowed). Absent → null,
 * a plain GET. Empty or unknown statuses are a validation error naming `waitFor`.
 */
export function parseWaitFor(raw: unknown): Parsed<readonly OrderStatus[] | null> {
  if (raw === undefined) return { ok: true, value: null };
  const parts = Array.isArray(raw) ? raw : [raw];
  if (!parts.every((part) => typeof part === 'string'))
    return waitForError('type', 'waitFor must be a string');
  const names = parts.flatMap((part) => part.split(',')).map((name) => name.trim().toUpperCase());
  const unknown = names.filter((name) => !isOrderStatus(name));
  if (names.length === 0 || unknown.length > 0) {
    const shown = unknown.map((name) => (name === '' ? '(empty)' : name)).join(', ');
    return waitForError('enum', `waitFor has unknown status ${shown}; allowed: ${orderStatuses.join(', ')}`);
  }
  return { ok: true, value: [...new Set(names.filter(isOrderStatus))] };
}

export interface TimeoutLimits {
  /** Used when `timeout` is absent. Capped at maxMs too. */
  defaultMs: number;
  maxMs: number;
}

/** `timeout` in milliseconds: a non-negative integer; larger than `maxMs` is capped, not refused. */
export function parseTimeout(raw: unknown, limits: TimeoutLimits): Parsed<number> {
  if (raw === undefined) return { ok: true, value: Math.min(limits.defaultMs, limits.maxMs) };
  const ms = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) {
    return {
      ok: false,
      error: {
        field: 'timeout',
        rule: 'integer',
        message: 'timeout must be a non-negative integer (milliseconds)',
      },
    };
  }
  return { ok: true, value: Math.min(ms, limits.maxMs) };
}

function isOrderStatus(name: string): name is OrderStatus {
  return (orderStatuses as readonly string[]).includes(name);
}

function waitForError(rule: string, message: string): Parsed<never> {
  return { ok: false, error: { field: 'waitFor', rule, message } };
}
