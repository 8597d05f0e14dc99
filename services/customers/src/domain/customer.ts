import type {
  CreateCustomerRequest,
  Customer,
  CustomerChangedEvent,
  UpdateCustomerRequest,
} from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';

/**
 * The customer's rules: decide(command, state) → events, evolve(state, event) → state. Pure: ids and
 * the clock come in with the command; the caller stores the customer and its event in one transaction.
 * Every event carries the whole customer (readers of the compacted topic keep the latest one).
 */

export const customersSource = 'customers';

/** null until the customer is registered. */
export type CustomerState = Customer | null;

/** Commands carry the id of the event they may produce and the time it happens. */
interface Stamped {
  now: Date;
  eventId: string;
}

/** A new customer (the request is already validated by its schema, level defaulted). */
export type RegisterCustomer = Stamped & {
  type: 'RegisterCustomer';
  customerId: string;
  request: CreateCustomerRequest;
};
/** A PATCH of name or level. */
export type UpdateCustomer = Stamped & { type: 'UpdateCustomer'; patch: UpdateCustomerRequest };
export type CustomerCommand = RegisterCustomer | UpdateCustomer;

/**
 * The events of the command: one CustomerRegistered, one CustomerUpdated, or none for a PATCH that
 * changes nothing (same name, same level), which also keeps updatedAt.
 */
export function decide(command: CustomerCommand, state: CustomerState): CustomerChangedEvent[] {
  switch (command.type) {
    case 'RegisterCustomer':
      return [decideRegister(command, state)];
    case 'UpdateCustomer':
      return decideUpdate(command, state);
    default:
      return unreachable(command);
  }
}

/** The customer after `event`: the one it carries. */
export function evolve(_state: CustomerState, event: CustomerChangedEvent): Customer {
  return event.customer;
}

function decideRegister(command: RegisterCustomer, state: CustomerState): CustomerChangedEvent {
  // A fresh uuid is never taken: a customer here is a bug in the caller, not a business case.
  if (state !== null) throw new Error(`customer ${state.id} is already registered`);
  const { request } = command;
  const at = command.now.toISOString();
  const customer: Customer = {
    id: command.customerId,
    name: request.name,
    email: request.email,
    level: request.level,
    createdAt: at,
    updatedAt: at,
  };
  return customerEvent('CustomerRegistered', customer, command.eventId);
}

function decideUpdate(command: UpdateCustomer, current: CustomerState): CustomerChangedEvent[] {
  // An unknown customer is a 404 the caller answers before asking.
  if (current === null) throw new Error('UpdateCustomer needs the current customer');
  const name = command.patch.name ?? current.name;
  const level = command.patch.level ?? current.level;
  if (name === current.name && level === current.level) return [];
  const customer: Customer = {
    ...current,
    name,
    level,
    updatedAt: nextUpdatedAt(current.updatedAt, command.now),
  };
  return [customerEvent('CustomerUpdated', customer, command.eventId)];
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
  eventId: string,
): CustomerChangedEvent {
  return {
    id: eventId,
    type,
    occurredAt: customer.updatedAt,
    source: customersSource,
    customerId: customer.id,
    customer,
  };
}
