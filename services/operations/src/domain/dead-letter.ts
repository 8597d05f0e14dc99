import { deadLetterHeaderNames as dlq, redriveHeaders as redrive } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';

/**
 * A dead letter as operations sees it, pure: what its headers say about where and why a record failed,
 * and what an operator may do with it. `decide(command, state) → events` says what happens;
 * `evolve(state, event) → state` what the dead letter is afterwards.
 *
 *   open ──redrive──▶ redriving ──produced──▶ redriven
 *     │                   └──cancel──▶ open (or redriven, if it was before)
 *     └──discard──▶ discarded            redriven ──redrive again / discard──▶ …
 *   a redriven copy that fails again ──▶ open (a discarded one stays discarded)
 */

export const deadLetterStatuses = ['open', 'redriving', 'redriven', 'discarded'] as const;
export type DeadLetterStatus = (typeof deadLetterStatuses)[number];

/** Where and why a record failed, as the kit's `dlq.*` headers say. */
export interface Failure {
  topic: string;
  partition: number;
  offset: string;
  group: string;
  error: string;
  code: string;
  attempts: number;
  failedAt: Date;
}

/**
 * Reads the `dlq.*` headers. A record with a missing or garbled one is still indexed, with a visible
 * placeholder, rather than lost: a dead letter nobody can see is worse than one with a blank field.
 */
export function failureOf(headers: Readonly<Record<string, string>>, receivedAt: Date): Failure {
  const failedAt = new Date(headers[dlq.failedAt] ?? '');
  const offset = headers[dlq.offset] ?? '';
  return {
    topic: headers[dlq.topic] || 'unknown',
    partition: integerOr(headers[dlq.partition], -1),
    offset: /^\d+$/.test(offset) ? offset : '-1',
    group: headers[dlq.group] || 'unknown',
    error: headers[dlq.error] ?? '(no error header)',
    code: headers[dlq.errorCode] || 'UNKNOWN',
    attempts: integerOr(headers[dlq.attempts], 0),
    failedAt: Number.isNaN(failedAt.getTime()) ? receivedAt : failedAt,
  };
}

function integerOr(text: string | undefined, fallback: number): number {
  return text !== undefined && /^-?\d+$/.test(text) ? Number(text) : fallback;
}

/**
 * The redrive a record came from, when it is a redriven copy that failed again in the group it was
 * addressed to (`redrive.group`). Another group that parks the copy all the same has a failure of its
 * own, at the copy's coordinates: not the redriven dead letter's.
 */
export function redriveOf(headers: Readonly<Record<string, string>>): { id: string; count: number } | null {
  const id = headers[redrive.id];
  if (id === undefined || id === '') return null;
  const addressee = headers[redrive.group];
  if (addressee !== undefined && addressee !== headers[dlq.group]) return null;
  return { id, count: integerOr(headers[redrive.count], 1) };
}

/** Headers of the original record: kept, and sent back with it on redrive. */
export function isOriginalHeader(name: string): boolean {
  return !name.startsWith('dlq.') && !name.startsWith('redrive.');
}

/**
 * The service a consumer group belongs to: a group is named after its service, or after it and a
 * suffix (`order-details-references`); the longest such name wins (`orders` vs `order-details`).
 */
export function serviceOf(group: string, services: readonly string[]): string {
  const owners = services.filter((name) => group === name || group.startsWith(`${name}-`));
  return owners.sort((a, b) => b.length - a.length)[0] ?? group;
}

export interface DeadLetterState {
  status: DeadLetterStatus;
  /** Times it was produced back to its topic. */
  redriveCount: number;
  failures: number;
}

export type DeadLetterCommand =
  | { type: 'Redrive' }
  | { type: 'RecordProduced' }
  | { type: 'CancelRedrive' }
  | { type: 'Discard'; reason: string }
  | { type: 'RecordFailure' };

export type DeadLetterEvent =
  /** `count`: the number this redrive has (1 for the first); `alreadyRedriven` warns of earlier ones. */
  | { type: 'RedriveRequested'; count: number; alreadyRedriven: number }
  | { type: 'Redriven'; count: number }
  | { type: 'RedriveCancelled' }
  | { type: 'Discarded'; reason: string }
  | { type: 'FailedAgain' }
  | { type: 'Refused'; reason: string };

export function decide(command: DeadLetterCommand, state: DeadLetterState): DeadLetterEvent[] {
  switch (command.type) {
    case 'Redrive':
      if (state.status === 'redriving') return [refused('a redrive of it is already pending')];
      if (state.status === 'discarded') return [refused('it was discarded')];
      return [
        { type: 'RedriveRequested', count: state.redriveCount + 1, alreadyRedriven: state.redriveCount },
      ];
    case 'RecordProduced':
      return state.status === 'redriving' ? [{ type: 'Redriven', count: state.redriveCount + 1 }] : [];
    case 'CancelRedrive':
      return state.status === 'redriving' ? [{ type: 'RedriveCancelled' }] : [];
    case 'Discard':
      if (state.status === 'redriving') return [refused('a redrive of it is pending: cancel it first')];
      if (state.status === 'discarded') return [refused('it was discarded already')];
      return [{ type: 'Discarded', reason: command.reason }];
    case 'RecordFailure':
      return [{ type: 'FailedAgain' }];
    default:
      return unreachable(command);
  }
}

function refused(reason: string): DeadLetterEvent {
  return { type: 'Refused', reason };
}

export function evolve(state: DeadLetterState, event: DeadLetterEvent): DeadLetterState {
  switch (event.type) {
    case 'RedriveRequested':
      return { ...state, status: 'redriving' };
    case 'Redriven':
      return { ...state, status: 'redriven', redriveCount: event.count };
    case 'RedriveCancelled':
      return { ...state, status: state.redriveCount > 0 ? 'redriven' : 'open' };
    case 'Discarded':
      return { ...state, status: 'discarded' };
    case 'FailedAgain':
      return {
        ...state,
        failures: state.failures + 1,
        status: state.status === 'discarded' ? 'discarded' : 'open',
      };
    case 'Refused':
      return state;
    default:
      return unreachable(event);
  }
}
