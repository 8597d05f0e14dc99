import type { Journal } from '@microshop/platform';
import { fingerprint } from '@microshop/platform';

/**
 * The sandbox's idempotency keys, kept like a real provider keeps them: the first request with a
 * key binds the key to that request (its fingerprint) and, once it has a final answer, to that
 * answer. The same request again gets the same answer (a replay, never a second charge); another
 * request with the key is refused. A request arriving while the first is still being processed
 * waits for it rather than failing with 409, so a client that timed out and retried at once gets
 * the answer of its first attempt.
 *
 * Outages (5xx) are not final: the key stays bound to the request, and the next attempt runs
 * again. A final answer is written to the journal before it is sent (one record: the key, its
 * request and the answer, which is also what the ledger is rebuilt from), so a restarted sandbox
 * replays it too. A key can be looked up, as providers let a client ask what became of a request.
 */

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** What `execute` decided: `final` answers are replayed to every later request with the key. */
export interface Execution {
  response: StoredResponse;
  final: boolean;
}

export type KeyedResult =
  | { kind: 'fresh'; response: StoredResponse }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'reused' };

/** The operations a key can make: the ledger is rebuilt from their final answers. */
export type KeyedOperation = 'charge' | 'refund';

/** One final answer as the journal keeps it. */
export interface KeyRecord {
  key: string;
  fingerprint: string;
  operation: KeyedOperation;
  response: StoredResponse;
}

/** What became of the request made with a key: `retryable` after an outage answer. */
export interface KeyLookup {
  key: string;
  operation: KeyedOperation;
  status: 'completed' | 'in_progress' | 'retryable';
  /** The final answer; null until there is one. */
  response: StoredResponse | null;
}

interface Entry {
  fingerprint: string;
  operation: KeyedOperation;
  final: StoredResponse | null;
  /** Settles (never rejects) when the attempt in progress is over. */
  inFlight: Promise<void> | null;
  attempts: number;
}

export interface IdempotencyStore {
  /**
   * Runs `execute` once per key and request, or replays its final answer. `execute` gets the
   * attempt number (1 for the first attempt with this key) so an outage can be made to last for a
   * given number of attempts.
   */
  run(
    key: string,
    fingerprint: string,
    operation: KeyedOperation,
    execute: (attempt: number) => Promise<Execution>,
  ): Promise<KeyedResult>;
  lookup(key: string): KeyLookup | null;
  /** Binds a key to a final answer read back from the journal. */
  restore(record: KeyRecord): void;
}

export function createIdempotencyStore(journal?: Journal<KeyRecord>): IdempotencyStore {
  const entries = new Map<string, Entry>();
  return {
    async run(key, fingerprint, operation, execute) {
      for (;;) {
        const entry = entryFor(entries, key, fingerprint, operation);
        if (entry.fingerprint !== fingerprint) return { kind: 'reused' };
        if (entry.final !== null) return { kind: 'replay', response: entry.final };
        if (entry.inFlight !== null) {
          await entry.inFlight;
          continue; // the first attempt is over: replay its answer, or try again after an outage
        }
        return attempt(entry, execute, (response) =>
          journal?.append({ key, fingerprint, operation, response }),
        );
      }
    },
    lookup(key) {
      const entry = entries.get(key);
      if (entry === undefined) return null;
      const status =
        entry.final !== null ? 'completed' : entry.inFlight !== null ? 'in_progress' : 'retryable';
      return { key, operation: entry.operation, status, response: entry.final };
    },
    restore(record) {
      entries.set(record.key, {
        fingerprint: record.fingerprint,
        operation: record.operation,
        final: record.response,
        inFlight: null,
        attempts: 1,
      });
    },
  };
}

function entryFor(
  entries: Map<string, Entry>,
  key: string,
  fingerprint: string,
  operation: KeyedOperation,
): Entry {
  let entry = entries.get(key);
  if (entry === undefined) {
    entry = { fingerprint, operation, final: null, inFlight: null, attempts: 0 };
    entries.set(key, entry);
  }
  return entry;
}

async function attempt(
  entry: Entry,
  execute: (attempt: number) => Promise<Execution>,
  record: (response: StoredResponse) => void,
): Promise<KeyedResult> {
  entry.attempts += 1;
  let done = () => {};
  entry.inFlight = new Promise<void>((resolve) => {
    done = resolve;
  });
  try {
    const execution = await execute(entry.attempts);
    if (execution.final) {
      // On disk before it is answered: a restart replays what a client was told.
      record(execution.response);
      entry.final = execution.response;
    }
    return { kind: 'fresh', response: execution.response };
  } finally {
    entry.inFlight = null;
    done();
  }
}

/**
 * The request a key is bound to: method, path and body with object keys sorted (the kit's
 * canonical JSON), so the same parameters in another order count as the same request.
 */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return fingerprint([method.toUpperCase(), path, body ?? null]);
}
