import { randomUUID } from 'node:crypto';
import type {
  CreateCustomerRequest,
  Customer,
  CustomerChangedEvent,
  TopicName,
  UpdateCustomerRequest,
} from '@microshop/contracts';
import {
  appendToOutbox,
  type Created,
  createOnce,
  type IdempotentRequest,
  mapPgError,
  notFound,
  type OutboxMessage,
  outboxMessage,
  type Pool,
  type PoolClient,
  withTransaction,
} from '@microshop/platform';
import { decide, evolve } from '../domain/customer.ts';
import { insertCustomer, loadCustomer, updateCustomerRow } from '../store/customer-store.ts';

// What happens when a request arrives: each change is one transaction holding the customer row and
// its outbox event (and, for a registration with a key, the kit's idempotency row).

export interface CommandDeps {
  now: () => Date;
  newId: () => string;
  /** Where customer events go: `microshop.customers` (tests use their own). */
  topic: TopicName;
}

export function defaultCommandDeps(topic: TopicName): CommandDeps {
  return { now: () => new Date(), newId: randomUUID, topic };
}

/**
 * Registers a customer (an operator's POST; a customer registers through sign-up, which makes the
 * account too). An email may belong to several customers. With an idempotency key, the same key and
 * body answer with the customer registered the first time (`created: false`), another body is a 422.
 */
export async function register(
  pool: Pool,
  deps: CommandDeps,
  request: CreateCustomerRequest,
  idempotent: IdempotentRequest | null,
): Promise<Created<Customer>> {
  const customerId = deps.newId();
  return withTransaction(pool, (client) =>
    createOnce(client, idempotent, {
      id: customerId,
      load: (id) => loadCustomer(client, id),
      create: () => createCustomer(client, deps, customerId, request),
    }),
  );
}

/** The customer and its CustomerRegistered event, in the caller's transaction. */
export async function createCustomer(
  client: PoolClient,
  deps: CommandDeps,
  customerId: string,
  request: CreateCustomerRequest,
): Promise<Customer> {
  const events = decide({ type: 'RegisterCustomer', customerId, request, ...stamp(deps) }, null);
  const customer = events.reduce(evolve, null as Customer | null);
  if (customer === null) throw new Error('RegisterCustomer decided no event');
  await insertCustomer(client, customer);
  await appendToOutbox(client, toOutbox(events, deps.topic));
  return customer;
}

/** Applies a PATCH; 404 for an unknown customer. A PATCH that changes nothing writes nothing. */
export async function change(
  pool: Pool,
  deps: CommandDeps,
  id: string,
  patch: UpdateCustomerRequest,
): Promise<Customer> {
  return withTransaction(pool, async (client) => {
    const current = await loadCustomer(client, id, { forUpdate: true });
    if (current === null) throw notFound('Customer', id);
    const events = decide({ type: 'UpdateCustomer', patch, ...stamp(deps) }, current);
    if (events.length === 0) return current;
    const customer = events.reduce(evolve, current);
    await updateCustomerRow(client, customer);
    await appendToOutbox(client, toOutbox(events, deps.topic));
    return customer;
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
function toOutbox(events: readonly CustomerChangedEvent[], topic: TopicName): OutboxMessage[] {
  return events.map((event) => outboxMessage(event, { topic, key: event.customerId }));
}

function stamp(deps: CommandDeps): { now: Date; eventId: string } {
  return { now: deps.now(), eventId: deps.newId() };
}
