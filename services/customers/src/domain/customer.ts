import type {
  CreateCustomerRequest,
  Customer,
  CustomerChangedEvent,
  UpdateCustomerRequest,
} from '@microshop/contracts';

/**
 * The customer's rules. Pure: ids and the clock come in as arguments; the caller stores the
 * customer and its event in one transaction.
 */

export const customersSource = 'customers';

/** What a change produces: the customer after it, and the event announcing it (none if nothing changed). */
export interface CustomerChange {
  customer: Customer;
  event: CustomerChangedEvent | null;
}

export interface Stamp {
  now: Date;
  /** The id of the event, if one is written. */
  eventId: string;
}

/** A new customer (the request is already validated by its schema, level defaulted). */
export function registerCustomer(
  request: CreateCustomerRequest,
  customerId: string,
  stamp: Stamp,
): CustomerChange & { event: CustomerChangedEvent } {
  const at = stamp.now.toISOString();
  const customer: Customer = {
    id: customerId,
    name: request.name,
    email: request.email,
    level: request.level,
    createdAt: at,
    updatedAt: at,
  };
  return { customer, event: customerEvent('CustomerRegistered', customer, stamp) };
}

/** Applies a PATCH. Changing nothing (same name, same level) writes no event and keeps updatedAt. */
export function updateCustomer(
  current: Customer,
  patch: UpdateCustomerRequest,
  stamp: Stamp,
): CustomerChange {
  const name = patch.name ?? current.name;
  const level = patch.level ?? current.level;
  if (name === current.name && level === current.level) return { customer: current, event: null };
  const customer: Customer = {
    ...current,
    name,
    level,
    updatedAt: nextUpdatedAt(current.updatedAt, stamp.now),
  };
  return { customer, event: customerEvent('CustomerUpdated', customer, stamp) };
}

/**
 * `now`, or 1 ms after the previous change when the clock says otherwise (two changes in one
 * millisecond, or instances whose clocks differ): readers compare updatedAt to keep the newest copy,
 * so it must grow with every change.
 */
export function nextUpdatedAt(previous: string, now: Date): string {
  const floor = Date.parse(previous) + 1;
  return new Date(Math.max(now.getTime(), floor)).toISOString();
}

function customerEvent(
  type: CustomerChangedEvent['type'],
  customer: Customer,
  stamp: Stamp,
): CustomerChangedEvent {
  return {
    id: stamp.eventId,
    type,
    occurredAt: customer.updatedAt,
    source: customersSource,
    customerId: customer.id,
    customer,
  };
}
