import {
  type EventStamp,
  type OrderValidationEvent,
  type ValidationCheck,
  type ValidationDecision,
  type ValidationResult,
  validationChecks,
} from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';

/**
 * The aggregator's one rule: an order is decided exactly once. All three checks PASS → VALIDATED;
 * the first FAIL → REJECTED with every failure known at that moment. Pure: the stored state and the
 * incoming result come in as arguments; the clock and the decision event's id only where the
 * decision is announced (`decisionEvent`).
 *
 * A check is identified by its name, never counted: a second result for a check already recorded
 * (a duplicate, or a contradiction) is ignored, so a duplicate PASS can never complete an order that
 * another check failed; and once a decision exists no result produces another.
 */

export const aggregatorSource = 'validation-aggregator';

/** One check's recorded verdict on the order. */
export interface CheckResult {
  check: ValidationCheck;
  result: ValidationResult;
  reason: string | null;
}

export type Decision = { outcome: 'VALIDATED' } | { outcome: 'REJECTED'; reasons: string[] };

/** What the aggregator knows of one order: the results recorded so far, in check order, and its decision. */
export interface AggregateState {
  results: readonly CheckResult[];
  decision: Decision | null;
}

/** What the aggregator is asked to do: take one check's result on an order into account. */
export type AggregatorCommand = {
  type: 'RecordResult';
  result: Pick<OrderValidationEvent, 'orderId' | 'check' | 'result' | 'reason'>;
};

/**
 * What happened: the result was recorded (while the order is open, or late, for the record), or
 * ignored because its check had reported already (`duplicate`: the same result; `contradicting`: the
 * other one; the first stands); and, once, the order was decided.
 */
export type AggregatorEvent =
  | { type: 'ResultRecorded'; result: CheckResult }
  | { type: 'ResultIgnored'; result: CheckResult; why: 'duplicate' | 'contradicting' }
  | { type: 'OrderDecided'; orderId: string; decision: Decision };

export function decide(command: AggregatorCommand, state: AggregateState): AggregatorEvent[] {
  const { orderId, check, result, reason } = command.result;
  const incoming: CheckResult = { check, result, reason };
  const known = state.results.find((existing) => existing.check === check);
  if (known !== undefined) {
    return [
      {
        type: 'ResultIgnored',
        result: incoming,
        why: known.result === result ? 'duplicate' : 'contradicting',
      },
    ];
  }
  const recorded: AggregatorEvent = { type: 'ResultRecorded', result: incoming };
  if (state.decision !== null) return [recorded];
  const decision = decisionFor(evolve(state, recorded).results);
  return decision === null ? [recorded] : [recorded, { type: 'OrderDecided', orderId, decision }];
}

export function evolve(state: AggregateState, event: AggregatorEvent): AggregateState {
  switch (event.type) {
    case 'ResultRecorded':
      return { ...state, results: sortByCheck([...state.results, event.result]) };
    case 'ResultIgnored':
      return state;
    case 'OrderDecided':
      return { ...state, decision: event.decision };
    default:
      return unreachable(event);
  }
}

/** REJECTED as soon as any check failed; VALIDATED once every check passed; else still open. */
export function decisionFor(results: readonly CheckResult[]): Decision | null {
  const failures = results.filter((r) => r.result === 'FAIL');
  if (failures.length > 0) return { outcome: 'REJECTED', reasons: failures.map(reasonOf) };
  const passed = new Set(results.filter((r) => r.result === 'PASS').map((r) => r.check));
  return validationChecks.every((check) => passed.has(check)) ? { outcome: 'VALIDATED' } : null;
}

/** `INVENTORY: insufficient stock: JUMPERS`: the check first, so a reader knows who refused. */
export function reasonOf(result: CheckResult): string {
  return `${result.check}: ${result.reason ?? 'failed'}`;
}

/** The decision as the orders service reads it (topic microshop.order-decisions). */
export function decisionEvent(
  decided: Extract<AggregatorEvent, { type: 'OrderDecided' }>,
  stamp: EventStamp,
): ValidationDecision {
  const envelope = {
    id: stamp.id,
    occurredAt: stamp.at.toISOString(),
    source: aggregatorSource,
    orderId: decided.orderId,
  };
  const { decision } = decided;
  switch (decision.outcome) {
    case 'VALIDATED':
      return { ...envelope, type: 'OrderValidated' };
    case 'REJECTED':
      return { ...envelope, type: 'OrderRejected', reasons: [...decision.reasons] };
    default:
      return unreachable(decision);
  }
}

/** Results in the checks' fixed order, so reasons and answers do not depend on arrival order. */
function sortByCheck(results: CheckResult[]): CheckResult[] {
  return results.sort((a, b) => validationChecks.indexOf(a.check) - validationChecks.indexOf(b.check));
}
