import { randomUUID } from 'node:crypto';
import type {
  CreateCustomerRequest,
  Customer,
  CustomerChangedEvent,
  TopicName,
  UpdateCustomerRequest,
} from '@microshop/contracts';
import {
  AppError,
  appendToOutbox,
  idempotencyKeyReused,
  isUniqueViolation,
  mapPgError,
  notFound,
  type OutboxMessage,
  type Pool,
  type PoolClient,
  withTransaction,
} from '@microshop/platform';
import { registerCustomer, updateCustomer } from '../domain/customer.ts';
import { requestFingerprint } from '../domain/idempotency.ts';
import {
  claimIdempotencyKey,
  emailUniqueIndex,
  insertCustomer,
  loadCustomer,
  updateCustomerRow,
} from '../store/customer-store.ts';

// The use cases: each change is one transaction holding the customer row and its outbox event.

export interface CommandDeps {
  now: () => Date;
  newId: () => string;
  /** Where customer events go: `microshop.customers` (tests use their own). */
  topic: TopicName;
}

export function defaultCommandDeps(topic: TopicName): CommandDeps {
  return { now: () => new Date(), newId: randomUUID, topic };
}

export interface RegisterResult {
  customer: Customer;
  /** False when an Idempotency-Key replay answered with the customer registered earlier. */
  created: boolean;
}

/** Registers a customer (409 if the email is taken), optionally under an Idempotency-Key. */
export async function register(
  pool: Pool,
  deps: CommandDeps,
  request: CreateCustomerRequest,
  idempotencyKey: string | null,
): Promise<RegisterResult> {
  const change = registerCustomer(request, deps.newId(), { now: deps.now(), eventId: deps.newId() });
  try {
    return await withTransaction(pool, async (client) => {
      if (idempotencyKey !== null) {
        const replay = await replayOf(client, idempotencyKey, request, change.customer.id);
        if (replay !== null) return { customer: replay, created: false };
      }
      await insertCustomer(client, change.customer);
      await appendToOutbox(client, [toOutboxMessage(change.event, deps.topic)]);
      return { customer: change.customer, created: true };
    });
  } catch (error) {
    if (isUniqueViolation(error, emailUniqueIndex)) throw emailTaken(request.email);
    throw error;
  }
}

/** The customer registered earlier under `key`, null if the key is new (and now claimed); 422 on another body. */
async function replayOf(
  client: PoolClient,
  key: string,
  request: CreateCustomerRequest,
  customerId: string,
): Promise<Customer | null> {
  const fingerprint = requestFingerprint(request);
  const claim = await claimIdempotencyKey(client, key, fingerprint, customerId);
  if (claim.claimed) return null;
  if (claim.fingerprint !== fingerprint) throw idempotencyKeyReused(key);
  const existing = await loadCustomer(client, claim.customerId);
  if (existing === null) throw new Error(`customer ${claim.customerId} of an idempotency key is missing`);
  return existing;
}

/** Applies a PATCH; 404 for an unknown customer. */
export async function change(
  pool: Pool,
  deps: CommandDeps,
  id: string,
  patch: UpdateCustomerRequest,
): Promise<Customer> {
  return withTransaction(pool, async (client) => {
    const current = await loadCustomer(client, id, { forUpdate: true });
    if (current === null) throw notFound('Customer', id);
    const result = updateCustomer(current, patch, { now: deps.now(), eventId: deps.newId() });
    if (result.event === null) return current;
    await updateCustomerRow(client, result.customer);
    await appendToOutbox(client, [toOutboxMessage(result.event, deps.topic)]);
    return result.customer;
  });
}

/** A plain read: a lost database becomes a retriable 503, not a 500. */
export async function find(pool: Pool, id: string): Promise<Customer | null> {
  try {
    return await loadCustomer(pool, id);
  } catch (error) {
    throw mapPgError(error);
  }
}

/** Compacted topic, key = customer id: the latest event per key is the whole current customer. */
export function toOutboxMessage(event: CustomerChangedEvent, topic: TopicName): OutboxMessage {
  return { id: event.id, topic, key: event.customerId, type: event.type, payload: event };
}

function emailTaken(email: string): AppError {
  return new AppError('CONFLICT', `A customer with email ${email} is already registered`, {
    fields: [{ field: 'email', rule: 'unique', message: 'is already registered' }],
  });
}
