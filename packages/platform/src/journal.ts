import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only file of JSON lines, each written and fsynced before `append` returns: how the
 * sandboxes and the mail sink keep their ledgers across a restart (the chaos run audits them).
 * Synchronous on purpose: the stores that use it are synchronous, so a request's check-then-write
 * cannot interleave with another's, and a record is on disk before the answer reporting it leaves.
 * A line torn by a crash mid-write is skipped when the file is read back.
 */
export interface Journal<R> {
  /** The records found when the journal was opened, oldest first. */
  readonly records: readonly R[];
  /** Lines that could not be read back (a torn last line after a crash). */
  readonly skipped: number;
  /** Where it is kept; null for a journal in memory only. */
  readonly path: string | null;
  append(record: R): void;
  close(): void;
}

/**
 * Opens (creating it and its directory if needed) the journal at `path` and reads it back; `parse`
 * checks each record and throws for one it does not know (that line is skipped).
 */
export function openJournal<R>(path: string, parse: (value: unknown) => R): Journal<R> {
  mkdirSync(dirname(path), { recursive: true });
  const { records, skipped, endsClean } = readBack(path, parse);
  let fd: number | null = openSync(path, 'a');
  // A torn last line stays alone on its line, so the next record starts whole.
  if (!endsClean) writeDurably(fd, '\n');
  return {
    records,
    skipped,
    path,
    append(record) {
      if (fd === null) throw new Error(`journal ${path} is closed`);
      writeDurably(fd, `${JSON.stringify(record)}\n`);
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

/** A journal that keeps nothing: for a service started without a data directory (tests, a quick run). */
export function memoryJournal<R>(): Journal<R> {
  return { records: [], skipped: 0, path: null, append: () => {}, close: () => {} };
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

function writeDurably(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written);
  fsyncSync(fd);
}
