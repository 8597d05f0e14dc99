import {
  closeSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  write,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);

/**
 * An append-only file of JSON lines: how the sandboxes and the mail sink keep their ledgers across a
 * restart (the chaos run audits them). A line torn by a crash mid-write is skipped when the file is
 * read back.
 *
 * `append` is synchronous, so a store's check-then-write cannot interleave with another request's; the
 * record is written and flushed to disk (fdatasync) off the event loop, and `synced` says when. Whoever
 * answers with what a record says waits for `synced` first, so an answer never reports what a crash
 * could lose. Records appended while a flush is running go together in the next one (one write and one
 * flush for all of them): the disk's latency no longer stalls the process, which in the hosted layout
 * runs other services too.
 *
 * A write that fails breaks the journal for good: what was appended may not be on disk, so every later
 * `append` throws and every `synced` rejects, and nothing more is answered from the store until a
 * restart reads the file back.
 */
export interface Journal<R> {
  /** The records found when the journal was opened, oldest first. */
  readonly records: readonly R[];
  /** Lines that could not be read back (a torn last line after a crash). */
  readonly skipped: number;
  /** Where it is kept; null for a journal in memory only. */
  readonly path: string | null;
  /** Queues the record for the file; throws once the journal is closed or broken. */
  append(record: R): void;
  /** Resolves once every record appended before the call is on disk; rejects if the journal broke. */
  synced(): Promise<void>;
  /** Waits for what was appended to be on disk, then closes the file. */
  close(): Promise<void>;
}

/**
 * Opens (creating it and its directory if needed) the journal at `path` and reads it back; `parse`
 * checks each record and throws for one it does not know (that line is skipped).
 */
export function openJournal<R>(path: string, parse: (value: unknown) => R): Journal<R> {
  mkdirSync(dirname(path), { recursive: true });
  const { records, skipped, endsClean } = readBack(path, parse);
  const fd = openSync(path, 'a');
  // A torn last line stays alone on its line, so the next record starts whole.
  if (!endsClean) writeLinesSync(fd, '\n');
  const lines = groupCommit((text) => writeAndSync(fd, text));
  let closed = false;
  return {
    records,
    skipped,
    path,
    append(record) {
      if (closed) throw new Error(`journal ${path} is closed`);
      lines.add(`${JSON.stringify(record)}\n`);
    },
    synced: lines.synced,
    async close() {
      if (closed) return;
      closed = true;
      await lines.drained();
      closeSync(fd);
    },
  };
}

/** Lines on their way to a file, written by one flush at a time (a group commit). */
export interface GroupCommit {
  /** Queues a line; throws once a flush has failed. */
  add(line: string): void;
  /** Resolves once every line added before the call is written; rejects once a flush has failed. */
  synced(): Promise<void>;
  /** Resolves when no flush is running or due, whether they succeeded or not. */
  drained(): Promise<void>;
}

interface Flush {
  done: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The group commit behind `openJournal`: `flush` writes (and syncs) a text; while it runs, added lines
 * queue up, and the next flush takes all of them at once.
 */
export function groupCommit(flush: (text: string) => Promise<void>): GroupCommit {
  let queued: string[] = [];
  /** The flush that will take the queued lines; null when none are queued. */
  let next: Flush | null = null;
  /** The flush writing now. */
  let running: Flush | null = null;
  let broken: Error | null = null;

  const start = (): void => {
    const taken = next;
    if (taken === null) return;
    const text = queued.join('');
    queued = [];
    next = null;
    running = taken;
    flush(text)
      .then(taken.resolve, (error: Error) => {
        broken = new Error(`journal write failed: ${error.message}`, { cause: error });
        taken.reject(broken);
        next?.reject(broken);
        next = null;
        queued = [];
      })
      .finally(() => {
        running = null;
        start();
      });
  };

  return {
    add(line) {
      if (broken !== null) throw broken;
      queued.push(line);
      if (next === null) next = pendingFlush();
      if (running === null) start();
    },
    synced() {
      if (broken !== null) return Promise.reject(broken);
      return (next ?? running)?.done ?? Promise.resolve();
    },
    async drained() {
      await Promise.allSettled([next?.done, running?.done]);
    },
  };
}

function pendingFlush(): Flush {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  // Nobody may be waiting for this flush: its failure is reported by `synced` and `append`.
  promise.catch(() => {});
  return { done: promise, resolve, reject };
}

async function writeAndSync(fd: number, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  let written = 0;
  while (written < bytes.length) written += (await writeAsync(fd, bytes, written)).bytesWritten;
  await fdatasyncAsync(fd);
}

/** A journal that keeps nothing: for a service started without a data directory (tests, a quick run). */
export function memoryJournal<R>(): Journal<R> {
  return {
    records: [],
    skipped: 0,
    path: null,
    append: () => {},
    synced: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

function readBack<R>(
  path: string,
  parse: (value: unknown) => R,
): { records: R[]; skipped: number; endsClean: boolean } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return { records: [], skipped: 0, endsClean: true };
    throw error;
  }
  const records: R[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(parse(JSON.parse(line)));
    } catch {
      skipped += 1;
    }
  }
  return { records, skipped, endsClean: text === '' || text.endsWith('\n') };
}

function writeLinesSync(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written);
  fsyncSync(fd);
}
