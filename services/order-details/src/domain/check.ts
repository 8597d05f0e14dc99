import { unreachable } from '@microshop/platform/pure';
import {
  type CheckedOrder,
  type DetailsVerdict,
  distinct,
  type References,
  type RuleFailure,
  unknownReferences,
  verdictOn,
} from './rules.ts';

/**
 * The ORDER_DETAILS check of one order, as commands and events. The copies are eventually
 * consistent: a customer or sku registered a moment before the order may not have reached us yet.
 * Until the order's deadline (`order.createdAt` + the grace period) something unknown means "wait
 * for it" rather than FAIL: the check is deferred, the order parked, and checked again when the copy
 * arrives or the deadline passes. Pure: the copies and the clock come in with the command.
 */

/** Where the check of an order stands: just announced, parked until its deadline, or judged. */
export type OrderCheckState =
  | { status: 'new' }
  | { status: 'parked'; deadline: Date }
  | { status: 'checked' };

/**
 * Check a new order (its deadline is `createdAt` + `graceMs`), or check a parked one again (it keeps
 * the deadline it was parked with); either against the copies as they are `now`.
 */
export type CheckCommand =
  | { type: 'CheckOrder'; order: CheckedOrder; references: References; graceMs: number; now: Date }
  | { type: 'RecheckOrder'; order: CheckedOrder; references: References; now: Date };

/** The references a waiting order still needs: what its parked row is found by when a copy arrives. */
export interface MissingReferences {
  customer: boolean;
  skus: string[];
}

/** The verdict, or the check deferred until the unknown references arrive or the deadline passes. */
export type CheckEvent =
  | { type: 'OrderChecked'; verdict: DetailsVerdict }
  | { type: 'CheckDeferred'; unknown: RuleFailure[]; missing: MissingReferences; deadline: Date };

/**
 * Wait while a reference is unknown and `now` is before the deadline, else the verdict. An order
 * judged already is not judged (nor parked) again.
 */
export function decide(command: CheckCommand, state: OrderCheckState): CheckEvent[] {
  if (state.status === 'checked') return [];
  const { order, references, now } = command;
  const deadline = deadlineOf(command, state);
  const unknown = unknownReferences(order, references);
  if (unknown.length > 0 && now < deadline) {
    return [{ type: 'CheckDeferred', unknown, missing: missingReferencesOf(unknown), deadline }];
  }
  return [{ type: 'OrderChecked', verdict: verdictOn(order, references, unknown) }];
}

export function evolve(_state: OrderCheckState, event: CheckEvent): OrderCheckState {
  switch (event.type) {
    case 'OrderChecked':
      return { status: 'checked' };
    case 'CheckDeferred':
      return { status: 'parked', deadline: event.deadline };
    default:
      return unreachable(event);
  }
}

/** When an order naming an unknown customer or sku stops waiting and fails. */
export function referenceDeadline(order: Pick<CheckedOrder, 'createdAt'>, graceMs: number): Date {
  return new Date(Date.parse(order.createdAt) + graceMs);
}

/** A parked order keeps its deadline; a new one gets `createdAt` + grace; one never parked cannot wait. */
function deadlineOf(command: CheckCommand, state: OrderCheckState): Date {
  if (state.status === 'parked') return state.deadline;
  switch (command.type) {
    case 'CheckOrder':
      return referenceDeadline(command.order, command.graceMs);
    case 'RecheckOrder':
      return command.now;
    default:
      return unreachable(command);
  }
}

/** The customer and skus named by the unknown-reference failures. */
function missingReferencesOf(unknown: readonly RuleFailure[]): MissingReferences {
  const missing: MissingReferences = { customer: false, skus: [] };
  for (const failure of unknown) {
    if (failure.rule === 'UNKNOWN_CUSTOMER') missing.customer = true;
    else if (failure.rule === 'UNKNOWN_SKU') missing.skus.push(...failure.skus);
  }
  return { customer: missing.customer, skus: distinct(missing.skus) };
}
