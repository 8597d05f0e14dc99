import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type CreateCustomerRequest,
  type Customer,
  createCustomerRequestSchema,
  customerChangedEventSchema,
  type UpdateCustomerRequest,
  updateCustomerRequestSchema,
} from '@microshop/contracts';
import { decide, evolve, nextUpdatedAt } from '../src/domain/customer.ts';

const customerId = '6d1c0a8e-1f57-4a55-9e2f-4e1f0c7b9a11';
const eventId = '0b8a4c1e-93a6-4d1f-8f0e-2c3d4e5f6a7b';
const at = new Date('2025-03-01T10:00:00.000Z');

type Stamp = { now: Date; eventId: string };

/** decide, then evolve with what it decided, as the handler does: the customer and its event. */
function registerCustomer(request: CreateCustomerRequest, id: string, stamp: Stamp) {
  const [event] = decide({ type: 'RegisterCustomer', customerId: id, request, ...stamp }, null);
  assert.ok(event, 'a registration is always an event');
  return { customer: evolve(null, event), event };
}

/** The same for a PATCH: the customer after it and its event, or the customer as it was and none. */
function updateCustomer(current: Customer, patch: UpdateCustomerRequest, stamp: Stamp) {
  const [event] = decide({ type: 'UpdateCustomer', patch, ...stamp }, current);
  return { customer: event === undefined ? current : evolve(current, event), event: event ?? null };
}

function registered(request: Partial<CreateCustomerRequest> = {}) {
  const body = createCustomerRequestSchema.parse({ name: 'Ann Smith', email: 'ann@example.com', ...request });
  return registerCustomer(body, customerId, { now: at, eventId });
}

describe('the registration request', () => {
  test('defaults the level to bronze and trims the name', () => {
    const request = createCustomerRequestSchema.parse({ name: '  Ann  ', email: 'ann@example.com' });
    assert.deepEqual(request, { name: 'Ann', email: 'ann@example.com', level: 'bronze' });
  });

  test('refuses a malformed email, an unknown level, an empty name and unknown fields', () => {
    const issues = (body: unknown) =>
      createCustomerRequestSchema.safeParse(body).error?.issues.map((issue) => issue.path.join('.'));
    assert.deepEqual(issues({ name: 'Ann', email: 'not-an-email' }), ['email']);
    assert.deepEqual(issues({ name: 'Ann', email: 'ann@example.com', level: 'diamond' }), ['level']);
    assert.deepEqual(issues({ name: ' ', email: 'ann@example.com' }), ['name']);
    assert.deepEqual(issues({ name: 'Ann', email: 'ann@example.com', vip: true }), ['']);
  });

  test('a change needs a name or a level, and never an email', () => {
    assert.equal(updateCustomerRequestSchema.safeParse({}).success, false);
    assert.equal(updateCustomerRequestSchema.safeParse({ email: 'x@example.com' }).success, false);
    assert.deepEqual(updateCustomerRequestSchema.parse({ level: 'gold' }), { level: 'gold' });
  });
});

describe('customer changes', () => {
  test('registering produces the customer and a CustomerRegistered event carrying all of it', () => {
    const { customer, event } = registered({ level: 'gold' });

    assert.deepEqual(customer, {
      id: customerId,
      name: 'Ann Smith',
      email: 'ann@example.com',
      level: 'gold',
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    });
    assert.deepEqual(customerChangedEventSchema.parse(event), {
      id: eventId,
      type: 'CustomerRegistered',
      occurredAt: at.toISOString(),
      source: 'customers',
      customerId,
      customer,
    });
  });

  test('a level change produces CustomerUpdated with the whole changed customer', () => {
    const { customer } = registered();
    const later = new Date(at.getTime() + 60_000);

    const change = updateCustomer(customer, { level: 'platinum' }, { now: later, eventId });

    assert.deepEqual(change.customer, { ...customer, level: 'platinum', updatedAt: later.toISOString() });
    assert.equal(change.event?.type, 'CustomerUpdated');
    assert.deepEqual(change.event?.customer, change.customer);
  });

  test('a change to the same values writes no event and keeps updatedAt', () => {
    const { customer } = registered({ level: 'silver' });

    const change = updateCustomer(customer, { name: 'Ann Smith', level: 'silver' }, { now: at, eventId });

    assert.equal(change.event, null);
    assert.equal(change.customer, customer);
  });

  test('updatedAt grows with every change even when the clock stands still or goes back', () => {
    const { customer } = registered();
    const first = updateCustomer(customer, { level: 'gold' }, { now: at, eventId });
    const second = updateCustomer(first.customer, { level: 'silver' }, { now: new Date(0), eventId });

    assert.equal(first.customer.updatedAt, '2025-03-01T10:00:00.001Z');
    assert.equal(second.customer.updatedAt, '2025-03-01T10:00:00.002Z');
    assert.equal(nextUpdatedAt(at.toISOString(), new Date(at.getTime() + 5)), '2025-03-01T10:00:00.005Z');
  });
});
