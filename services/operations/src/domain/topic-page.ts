// Paging a topic without loading it (pure): a cursor is a per-partition offset vector — the next
// offset to read in each partition — written in the URL as `0:120,1:98,2:310`. A page is always read
// forward from a cursor and merged by time, so the same cursor gives the same page on every repeat;
// Previous is a cursor computed by reading backward, Next the vector after the page's last records.
// Offsets are never subtracted to count records: compacted and transactional topics have gaps.

import { evaluate, type RecordFacts } from './expression-eval.ts';
import type { Expression } from './expression-parse.ts';

export type Cursor = Map<number, bigint>;

export interface BrowsedRecord {
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: [string, Buffer][];
}

export function parseCursor(text: string): Cursor | null {
  const cursor: Cursor = new Map();
  if (text.trim() === '') return cursor;
  for (const part of text.split(',')) {
    const match = /^(\d{1,5}):(\d{1,19})$/.exec(part.trim());
    if (match === null) return null;
    cursor.set(Number(match[1]), BigInt(match[2] as string));
  }
  return cursor;
}

export function formatCursor(cursor: Cursor): string {
  return [...cursor.entries()]
    .sort(([a], [b]) => a - b)
    .map(([partition, offset]) => `${partition}:${offset}`)
    .join(',');
}

/** Chronological order across partitions; ties broken by partition then offset (a total order). */
export function compareRecords(a: BrowsedRecord, b: BrowsedRecord): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  if (a.partition !== b.partition) return a.partition - b.partition;
  return a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0;
}

/**
 * The first `limit` records in time order from per-partition runs (each sorted by offset, starting at
 * the cursor), and the cursor after them: a partition none were taken from keeps its position.
 */
export function mergeForward(from: Cursor, runs: Map<number, BrowsedRecord[]>, limit: number) {
  const all = [...runs.values()].flat().sort(compareRecords).slice(0, limit);
  const next: Cursor = new Map(from);
  for (const record of all) next.set(record.partition, record.offset + 1n);
  return { records: all, next };
}

/**
 * Going back from `to`: the latest `limit` records before it in time order, and the cursor from which
 * reading forward gives them first (each partition at its earliest record taken, else unchanged).
 */
export function mergeBackward(to: Cursor, runs: Map<number, BrowsedRecord[]>, limit: number): Cursor {
  const all = [...runs.values()].flat().sort(compareRecords);
  const taken = all.slice(Math.max(0, all.length - limit));
  const start: Cursor = new Map(to);
  for (const record of taken) {
    const current = start.get(record.partition);
    if (current === undefined || record.offset < current) start.set(record.partition, record.offset);
  }
  return start;
}

export interface RecordFilter {
  key?: string;
  /** `name` or `name=value`. */
  header?: string;
  /** `path.to.field=value` on the JSON value. */
  field?: string;
  type?: string;
  /** A parsed filter expression (expression-parse.ts), tested on the record as it is (unmasked). */
  expression?: Expression;
}

export function hasFilter(filter: RecordFilter): boolean {
  return Boolean(filter.key || filter.header || filter.field || filter.type || filter.expression);
}

export function matches(record: BrowsedRecord, json: unknown, filter: RecordFilter): boolean {
  if (filter.key && !(record.key?.toString('utf8') ?? '').includes(filter.key)) return false;
  if (filter.header && !headerMatches(record.headers, filter.header)) return false;
  if (
    filter.type &&
    jsonAt(json, 'type') !== filter.type &&
    headerValue(record.headers, 'type') !== filter.type
  )
    return false;
  if (filter.field) {
    const [path = '', wanted] = splitOnce(filter.field, '=');
    const value = jsonAt(json, path);
    if (value === undefined || (wanted !== undefined && String(value) !== wanted)) return false;
  }
  return filter.expression === undefined || evaluate(filter.expression, factsOf(record, json));
}

/** What an expression sees of a record: its decoded value (JSON, else text). */
export function factsOf(record: BrowsedRecord, json: unknown): RecordFacts {
  return {
    key: record.key?.toString('utf8') ?? null,
    headers: Object.fromEntries(record.headers.map(([name, value]) => [name, value.toString('utf8')])),
    value: json !== undefined ? json : record.value?.toString('utf8'),
    partition: record.partition,
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
  };
}

function headerMatches(headers: [string, Buffer][], wanted: string): boolean {
  const [name = '', value] = splitOnce(wanted, '=');
  return headers.some(
    ([key, raw]) => key === name && (value === undefined || raw.toString('utf8') === value),
  );
}

function headerValue(headers: [string, Buffer][], name: string): string | undefined {
  return headers.find(([key]) => key === name)?.[1].toString('utf8');
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

export function jsonAt(json: unknown, path: string): unknown {
  let current: unknown = json;
  for (const part of path.split('.').filter(Boolean)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
