import type pg from 'pg';
import { qualified } from './db/identifier.ts';
import { isInTransaction } from './db/pool.ts';
import { idempotencyKeyReused, validationFailed } from './errors.ts';
import { fingerprint } from './pure/canonical-json.ts';

/**
 * Idempotency keys make a retried POST safe: a client that sends `Idempotency-Key` gets one resource
 * however often it repeats the request. The rule, in code: the key is claimed in the same transaction
 * that creates the resource, so the two commit together or not at all; the primary key (scope, key)
 * decides between two concurrent requests with one key (the second waits for the first to commit,
 * then finds its row). Same key, same body (by fingerprint) → the resource created the first time;
 * same key, another body → 422.
 *
 * `scope` keeps the keys of different principals apart; today every caller uses the empty scope.
 */

export const idempotencyTable = 'idempotency';

/** The one definition of the table; `migrateServiceSchema` creates it in every service schema. */
export function idempotencyTableSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(schema, idempotencyTable)} (
    scope text NOT NULL DEFAULT '',
    key text NOT NULL,
    fingerprint text NOT NULL,
    resource_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
  );
  CREATE INDEX IF NOT EXISTS idempotency_created_at ON ${qualified(schema, idempotencyTable)} (created_at)`;
}

export const idempotencyKeyHeader = 'Idempotency-Key';
const keyPattern = /^[\x21-\x7e]{1,255}$/;

/**
 * The header's value: absent → null; otherwise 1–255 visible ASCII characters, else a 400
 * VALIDATION_FAILED naming the header (a repeated header arrives as an array and is refused too).
 */
export function parseIdempotencyKey(raw: unknown): string | null {
  if (raw === undefined) return null;
  if (typeof raw === 'string' && keyPattern.test(raw)) return raw;
  throw validationFailed([
    {
      field: idempotencyKeyHeader,
      rule: 'pattern',
      message: `${idempotencyKeyHeader} must be 1 to 255 visible ASCII characters`,
    },
  ]);
}

/** A request that came with a key. */
export interface IdempotentRequest {
  key: string;
  /** The parsed body: its fingerprint tells a repeated request from a reused key. */
  body: unknown;
  /** Whose key it is; default '' (one space of keys per service). */
  scope?: string;
}

/** The request's `Idempotency-Key` header (parsed as above) with its body; null without a key. */
export function idempotentRequest(header: unknown, body: unknown): IdempotentRequest | null {
  const key = parseIdempotencyKey(header);
  return key === null ? null : { key, body };
}

/** `claimed`: the key is new, create the resource; `replay`: answer with `resourceId`. */
export type IdempotencyClaim = { status: 'claimed' } | { status: 'replay'; resourceId: string };

/**
 * Claims the key for the resource about to be created as `resourceId`. `ON CONFLICT DO NOTHING`
 * waits for a concurrent holder of the key to finish and, if it committed, leaves this transaction
 * usable to read its row. Throws IDEMPOTENCY_KEY_REUSED (422) when the key came with another body.
 */
export async function claimIdempotencyKey(
  client: pg.ClientBase,
  request: IdempotentRequest,
  resourceId: string,
): Promise<IdempotencyClaim> {
  if (!isInTransaction(client)) {
    throw new Error('claimIdempotencyKey must be called inside the transaction that creates the resource');
  }
  const scope = request.scope ?? '';
  const print = fingerprint(request.body);
  const inserted = await client.query(
    `INSERT INTO ${idempotencyTable} (scope, key, fingerprint, resource_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (scope, key) DO NOTHING`,
    [scope, request.key, print, resourceId],
  );
  if (inserted.rowCount === 1) return { status: 'claimed' };
  const existing = await client.query<{ fingerprint: string; resource_id: string }>(
    `SELECT fingerprint, resource_id FROM ${idempotencyTable} WHERE scope = $1 AND key = $2`,
    [scope, request.key],
  );
  const row = existing.rows[0];
  // Only a row deleted between the two statements gets here; the caller's retry claims it then.
  if (row === undefined) throw new Error(`idempotency key ${request.key} vanished while being claimed`);
  if (row.fingerprint !== print) throw idempotencyKeyReused(request.key);
  return { status: 'replay', resourceId: row.resource_id };
}

export interface CreateOnce<T> {
  /** The id the resource gets if this request creates it. */
  id: string;
  /** Writes the resource (in the caller's transaction) and returns it. */
  create(): Promise<T>;
  /** Reads the resource an earlier request with the key created. */
  load(id: string): Promise<T | null>;
}

/** The resource, and whether this request created it (201) or replayed an earlier one (200). */
export interface Created<T> {
  value: T;
  created: boolean;
}

/**
 * Creates the resource, at most once per key when the request has one (`request` null: no key,
 * always create). Runs in the caller's transaction, which also holds the resource's outbox rows.
 */
export async function createOnce<T>(
  client: pg.ClientBase,
  request: IdempotentRequest | null,
  resource: CreateOnce<T>,
): Promise<Created<T>> {
  if (request !== null) {
    const claim = await claimIdempotencyKey(client, request, resource.id);
    if (claim.status === 'replay') {
      const existing = await resource.load(claim.resourceId);
      if (existing === null)
        throw new Error(`${claim.resourceId} of idempotency key ${request.key} is missing`);
      return { value: existing, created: false };
    }
  }
  return { value: await resource.create(), created: true };
}
