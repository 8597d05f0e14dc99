// The in-memory registry behind the blocking GET: order id → the requests waiting on that order.
// A wake-up only says "this order changed, read it again"; what the waiter waits for is decided by
// whoever reads. Wake-ups that arrive while the waiter is reading are kept (`pending`), so a change
// committed between the read and the wait is never lost.

export type WaitSignal = 'changed' | 'aborted' | 'released';

export interface Waiter {
  readonly orderId: string;
  /** Forgets earlier wake-ups: call it right before reading the order's state. */
  reset(): void;
  /**
   * Resolves with `changed` on the first wake-up since the last `reset` (at once if one already
   * came), `aborted` when `signal` aborts, `released` when the registry is closed.
   */
  next(signal: AbortSignal): Promise<WaitSignal>;
  /** Removes the waiter; idempotent. Always call it when the request is answered. */
  dispose(): void;
}

export interface WaiterRegistry {
  register(orderId: string): Waiter;
  /** Wakes every waiter of the order; returns how many there were. */
  wake(orderId: string): number;
  /** Wakes every waiter: after a missed notification, each must read its order again. */
  wakeAll(): void;
  /** Releases every waiter and answers later registrations `released` at once (shutdown). */
  releaseAll(): void;
  /** Waiters registered and not yet disposed. */
  readonly size: number;
}

interface Entry {
  pending: boolean;
  released: boolean;
  settle: ((signal: WaitSignal) => void) | null;
}

export function createWaiterRegistry(): WaiterRegistry {
  const byOrder = new Map<string, Set<Entry>>();
  let released = false;
  let size = 0;

  function notify(entry: Entry): void {
    if (entry.settle !== null) entry.settle('changed');
    else entry.pending = true;
  }

  function release(entry: Entry): void {
    entry.released = true;
    entry.settle?.('released');
  }

  function register(orderId: string): Waiter {
    const entry: Entry = { pending: false, released, settle: null };
    let set = byOrder.get(orderId);
    if (set === undefined) {
      set = new Set();
      byOrder.set(orderId, set);
    }
    set.add(entry);
    size++;
    let disposed = false;
    return {
      orderId,
      reset: () => {
        entry.pending = false;
      },
      next: (signal) => nextSignal(entry, signal),
      dispose: () => {
        if (disposed) return;
        disposed = true;
        size--;
        const current = byOrder.get(orderId);
        current?.delete(entry);
        // An empty set per finished order would be a slow leak on a busy service.
        if (current?.size === 0) byOrder.delete(orderId);
        entry.settle?.('aborted');
      },
    };
  }

  return {
    register,
    wake: (orderId) => {
      const set = byOrder.get(orderId);
      for (const entry of set ?? []) notify(entry);
      return set?.size ?? 0;
    },
    wakeAll: () => {
      for (const set of byOrder.values()) for (const entry of set) notify(entry);
    },
    releaseAll: () => {
      released = true;
      for (const set of byOrder.values()) for (const entry of set) release(entry);
    },
    get size() {
      return size;
    },
  };
}

function nextSignal(entry: Entry, signal: AbortSignal): Promise<WaitSignal> {
  if (entry.released) return Promise.resolve('released');
  if (entry.pending) {
    entry.pending = false;
    return Promise.resolve('changed');
  }
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise((resolve) => {
    const onAbort = () => settle('aborted');
    const settle = (result: WaitSignal) => {
      entry.settle = null;
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    entry.settle = settle;
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
