import { unreachable } from '@microshop/platform/pure';
import type { Comparison, Expression, Operand } from './expression-parse.ts';

// Evaluating a parsed filter against one decoded record (pure). Absent values compare false (and
// `!=` true), numbers compare as numbers (a number beside a numeric text too, so a header "3" equals
// 3), texts as texts; `timestamp` beside an ISO text compares as that instant. The cost is bounded by
// the expression's size: no loops, no calls.

export interface RecordFacts {
  key: string | null;
  headers: Record<string, string>;
  /** The decoded value: JSON, else its text; undefined for a tombstone or bytes that are not text. */
  value: unknown;
  partition: number;
  offset: number;
  timestamp: number;
}

export function evaluate(expression: Expression, facts: RecordFacts): boolean {
  switch (expression.kind) {
    case 'and':
      return evaluate(expression.left, facts) && evaluate(expression.right, facts);
    case 'or':
      return evaluate(expression.left, facts) || evaluate(expression.right, facts);
    case 'not':
      return !evaluate(expression.operand, facts);
    case 'test':
      return present(resolve(expression.operand, facts));
    case 'compare':
      return compare(expression.op, resolve(expression.left, facts), resolve(expression.right, facts));
    default:
      return unreachable(expression);
  }
}

function resolve(operand: Operand, facts: RecordFacts): unknown {
  if (operand.kind === 'literal') return operand.value;
  switch (operand.root) {
    case 'key':
      return facts.key ?? undefined;
    case 'headers':
      return Object.hasOwn(facts.headers, operand.path[0] ?? '')
        ? facts.headers[operand.path[0] ?? '']
        : undefined;
    case 'value':
      return walk(facts.value, operand.path);
    case 'partition':
      return facts.partition;
    case 'offset':
      return facts.offset;
    case 'timestamp':
      return facts.timestamp;
    default:
      return unreachable(operand.root);
  }
}

function walk(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== '';
}

function compare(op: Comparison, left: unknown, right: unknown): boolean {
  if (op === '!=') return !compare('==', left, right);
  if (left === undefined || left === null || right === undefined || right === null) return false;
  if (op === 'contains') return contains(left, right);
  const [a, b] = comparable(left, right);
  switch (op) {
    case '==':
      return a === b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    default:
      return unreachable(op);
  }
}

/** Both as numbers when either is a number and the other reads as one (or as an instant), else as texts. */
function comparable(left: unknown, right: unknown): [number, number] | [string, string] {
  if (typeof left === 'number' || typeof right === 'number') {
    const a = asNumber(left);
    const b = asNumber(right);
    if (a !== null && b !== null) return [a, b];
  }
  return [text(left), text(right)];
}

function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const number = Number(value);
  if (Number.isFinite(number)) return number;
  // An ISO time beside `timestamp` (milliseconds).
  const instant = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(instant) ? null : instant;
}

function contains(container: unknown, wanted: unknown): boolean {
  if (Array.isArray(container)) return container.some((item) => compare('==', item, wanted));
  return text(container).includes(text(wanted));
}

function text(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
