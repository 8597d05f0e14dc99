import { earliest, type KafkaBrowser, latest } from '../clients/kafka-browser.ts';
import {
  type BrowsedRecord,
  type Cursor,
  formatCursor,
  hasFilter,
  matches,
  mergeBackward,
  mergeForward,
  type RecordFilter,
} from '../domain/topic-page.ts';
import { jsonOf, type RecordView, viewOf } from './record-view.ts';

// One page of a topic for the console: resolve where to start (a cursor from the URL, or a seek by
// oldest, newest, partition+offset or timestamp — nothing is read before one), read forward from it
// and merge by time; with filters, scan on the server within a budget and say how far it got.

export type Seek =
  | { kind: 'cursor'; cursor: Cursor }
  | { kind: 'oldest' }
  | { kind: 'newest' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'time'; timestamp: bigint };

export interface PageRequest {
  topic: string;
  seek: Seek;
  /** Only this partition (the per-partition view). */
  partition?: number;
  limit: number;
  filter: RecordFilter;
  /** Records not after this time (a from–to range). */
  until?: bigint;
  budget: { records: number; ms: number };
  /** Aborted when the operator cancels (or the request goes away): the scan stops reading. */
  signal?: AbortSignal;
}

export type PageAnswer = {
  topic: string;
  cursor: string;
  next: string | null;
  prev: string | null;
  records: RecordView[];
  scan: {
    scanned: number;
    matched: number;
    budgetExhausted: boolean;
    reachedEnd: boolean;
    elapsedMs: number;
  };
  range: { from: string | null; to: string | null };
  partitions: { partition: number; start: string; end: string }[];
};

const bytesPerPartition = 256 * 1024;

interface Bounds {
  start: bigint[];
  end: bigint[];
}

export async function browsePage(kafka: KafkaBrowser, request: PageRequest): Promise<PageAnswer> {
  const began = performance.now();
  const [start, end] = await Promise.all([
    kafka.offsets(request.topic, earliest),
    kafka.offsets(request.topic, latest),
  ]);
  const bounds = { start, end };
  const from = await startCursor(kafka, request, bounds);
  const read =
    hasFilter(request.filter) || request.until !== undefined
      ? await scan(kafka, request, from, bounds, began)
      : await window(kafka, request.topic, from, bounds, request.limit);
  const prev = await previous(kafka, request.topic, from, bounds, request.limit);
  const records = read.records;
  return {
    topic: request.topic,
    cursor: formatCursor(from),
    next: read.reachedEnd && records.length === 0 ? null : formatCursor(read.next),
    prev: prev === null || formatCursor(prev) === formatCursor(from) ? null : formatCursor(prev),
    records: records.map((record) => viewOf(record)),
    scan: {
      scanned: read.scanned,
      matched: records.length,
      budgetExhausted: read.budgetExhausted,
      reachedEnd: read.reachedEnd,
      elapsedMs: Math.round(performance.now() - began),
    },
    range: {
      from: records[0] ? new Date(Number(records[0].timestamp)).toISOString() : null,
      to: records.at(-1) ? new Date(Number(records.at(-1)?.timestamp)).toISOString() : null,
    },
    partitions: bounds.start.map((s, partition) => ({
      partition,
      start: String(s),
      end: String(bounds.end[partition] ?? 0n),
    })),
  };
}

async function startCursor(kafka: KafkaBrowser, request: PageRequest, bounds: Bounds): Promise<Cursor> {
  const partitions = request.partition === undefined ? bounds.start.map((_, p) => p) : [request.partition];
  const clamp = (p: number, offset: bigint) => {
    const low = bounds.start[p] ?? 0n;
    const high = bounds.end[p] ?? 0n;
    return offset < low ? low : offset > high ? high : offset;
  };
  const seek = request.seek;
  const cursor: Cursor = new Map();
  if (seek.kind === 'cursor') {
    for (const [p, offset] of seek.cursor) if (partitions.includes(p)) cursor.set(p, clamp(p, offset));
    return cursor;
  }
  if (seek.kind === 'time') {
    const found = await kafka.offsets(request.topic, seek.timestamp);
    for (const p of partitions) cursor.set(p, clamp(p, found[p] ?? bounds.end[p] ?? 0n));
    return cursor;
  }
  for (const p of partitions) {
    const offset =
      seek.kind === 'offset'
        ? seek.offset
        : seek.kind === 'oldest'
          ? (bounds.start[p] ?? 0n)
          : (bounds.end[p] ?? 0n);
    cursor.set(p, clamp(p, offset));
  }
  if (seek.kind !== 'newest') return cursor;
  return (await previous(kafka, request.topic, cursor, bounds, request.limit)) ?? cursor;
}

interface Read {
  records: BrowsedRecord[];
  next: Cursor;
  scanned: number;
  budgetExhausted: boolean;
  reachedEnd: boolean;
}

/** Per partition, runs long enough that the merged first `limit` are right (or the partition's end). */
async function window(
  kafka: KafkaBrowser,
  topic: string,
  from: Cursor,
  bounds: Bounds,
  limit: number,
  signal?: AbortSignal,
): Promise<Read> {
  const runs = new Map<number, BrowsedRecord[]>();
  let wanted = live(from, bounds);
  for (let round = 0; round < 8 && wanted.size > 0; round++) {
    signal?.throwIfAborted();
    const fetched = await kafka.fetch(topic, wanted, bytesPerPartition);
    const again: Cursor = new Map();
    for (const [p, offset] of wanted) {
      const run = [...(runs.get(p) ?? []), ...(fetched.get(p) ?? [])];
      runs.set(p, run);
      const last = run.at(-1);
      const position = last === undefined ? offset : last.offset + 1n;
      if (run.length < limit && last !== undefined && position < (bounds.end[p] ?? 0n))
        again.set(p, position);
    }
    wanted = again;
  }
  const { records, next } = mergeForward(from, runs, limit);
  const scanned = [...runs.values()].reduce((sum, run) => sum + run.length, 0);
  return { records, next, scanned, budgetExhausted: false, reachedEnd: live(next, bounds).size === 0 };
}

/** Filtered: reads forward chunk by chunk, testing each record, until the page is full or the budget ends. */
async function scan(
  kafka: KafkaBrowser,
  request: PageRequest,
  from: Cursor,
  bounds: Bounds,
  began: number,
): Promise<Read> {
  const records: BrowsedRecord[] = [];
  let position: Cursor = new Map(from);
  let scanned = 0;
  for (;;) {
    // Checked between fetches: a cancelled scan costs the brokers one more fetch at most.
    request.signal?.throwIfAborted();
    const wanted = live(position, bounds);
    if (wanted.size === 0 || records.length >= request.limit) break;
    if (scanned >= request.budget.records || performance.now() - began > request.budget.ms) {
      return { records, next: position, scanned, budgetExhausted: true, reachedEnd: false };
    }
    // Never more than the budget has left: a scan stops where it said it would.
    const chunk = await window(
      kafka,
      request.topic,
      wanted,
      bounds,
      Math.min(500, request.budget.records - scanned),
      request.signal,
    );
    if (chunk.records.length === 0) break;
    for (const record of chunk.records) {
      scanned++;
      position.set(record.partition, record.offset + 1n);
      if (request.until !== undefined && record.timestamp > request.until) {
        position = finished(position, bounds, record.partition);
        continue;
      }
      if (matches(record, jsonOf(record), request.filter)) records.push(record);
      if (records.length >= request.limit) break;
    }
  }
  return {
    records,
    next: position,
    scanned,
    budgetExhausted: false,
    reachedEnd: live(position, bounds).size === 0,
  };
}

/** Past the range in one partition: nothing more to read there. */
function finished(position: Cursor, bounds: Bounds, partition: number): Cursor {
  const next = new Map(position);
  next.set(partition, bounds.end[partition] ?? 0n);
  return next;
}

/** The partitions of the cursor with records left to read (an empty partition costs no fetch). */
function live(cursor: Cursor, bounds: Bounds): Cursor {
  return new Map([...cursor].filter(([p, offset]) => offset < (bounds.end[p] ?? 0n)));
}

/** The cursor of the page before `to`: read back up to `limit` records per partition and merge. */
async function previous(
  kafka: KafkaBrowser,
  topic: string,
  to: Cursor,
  bounds: Bounds,
  limit: number,
): Promise<Cursor | null> {
  const back: Cursor = new Map();
  for (const [p, offset] of to) {
    const low = bounds.start[p] ?? 0n;
    if (offset > low) back.set(p, offset - BigInt(limit) > low ? offset - BigInt(limit) : low);
  }
  if (back.size === 0) return null;
  const fetched = await kafka.fetch(topic, back, bytesPerPartition);
  const runs = new Map<number, BrowsedRecord[]>();
  for (const [p, run] of fetched)
    runs.set(
      p,
      run.filter((record) => record.offset < (to.get(p) ?? 0n)),
    );
  return mergeBackward(to, runs, limit);
}
