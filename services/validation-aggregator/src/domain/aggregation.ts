import {
  type OrderValidationEvent,
  type ValidationCheck,
  type ValidationDecision,
  type ValidationResult,
  validationChecks,
} from '@microshop/contracts';

/**
 * The aggregator's one rule: an order is decided exactly once. All three checks PASS → VALIDATED;
 * the first FAIL → REJECTED with every failure known at that moment. Pure: the stored state, the
 * incoming result, the clock and the new event's id come in as arguments.
 *
 * The seed's aggregator counted PASS messages, so a duplicate PASS could complete an order that
 * another check had failed. Here a check is identified by its name: a second result for a check
 * already recorded (a duplicate, or a contradiction) is ignored, and once a decision exists no
 * result produces another.
 */

export const aggregatorSource = 'validation-aggregator';

/** One check's recorded verdict on the order. */
export interface CheckResult {
  check: ValidationCheck;
  result: ValidationResult;
  reason: string | null;
}

export type Decision = { outcome: 'VALIDATED' } | { outcome: 'REJECTED'; reasons: string[] };

export interface AggregateState {
  results: readonly CheckResult[];
  decision: Decision | null;
}

/** Why a result led where it did; `decided` is the only one that writes a decision. */
export type StepKind = 'decided' | 'pending' | 'late' | 'duplicate' | 'contradicting';

export interface Step {
  kind: StepKind;
  /** Every recorded result after this one (unchanged when it is ignored). */
  results: CheckResult[];
  /** The result to store; absent when it is ignored. */
  recorded?: CheckResult;
  /** The order's decision, only when this result made it. */
  decision?: Decision;
  /** The decision event to publish, with `decision`. */
  emit?: ValidationDecision;
}

export interface Stamp {
  now: Date;
  /** The id of the decision event, if one is made. */
  eventId: string;
}

type IncomingResult = Pick<OrderValidationEvent, 'orderId' | 'check' | 'result' | 'reason'>;

export function decide(state: AggregateState, incoming: IncomingResult, stamp: Stamp): Step {
  const known = state.results.find((existing) => existing.check === incoming.check);
  if (known !== undefined) {
    const kind = known.result === incoming.result ? 'duplicate' : 'contradicting';
    return { kind, results: [...state.results] };
  }
  const recorded: CheckResult = { check: incoming.check, result: incoming.result, reason: incoming.reason };
  const results = sortByCheck([...state.results, recorded]);
  if (state.decision !== null) return { kind: 'late', results, recorded };
  const decision = decisionFor(results);
  if (decision === null) return { kind: 'pending', results, recorded };
  return {
    kind: 'decided',
    results,
    recorded,
    decision,
    emit: decisionEvent(incoming.orderId, decision, stamp),
  };
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

export function decisionEvent(orderId: string, decision: Decision, stamp: Stamp): ValidationDecision {
  const envelope = {
    id: stamp.eventId,
    occurredAt: stamp.now.toISOString(),
    source: aggregatorSource,
    orderId,
  };
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

export function unreachable(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
