import type { BrowsedRecord } from '../domain/topic-page.ts';

// A record as the console shows it: key and headers as text, the value decoded — JSON (the envelope,
// or Debezium's outbox payload, a JSON document inside a JSON string, unwrapped) — else text, else
// hex with the reason it is not text.

export interface RecordView {
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  headers: Record<string, string>;
  size: number;
  json?: unknown;
  text?: string;
  hex?: string;
  note?: string;
}

export function viewOf(record: BrowsedRecord): RecordView {
  const view: RecordView = {
    partition: record.partition,
    offset: String(record.offset),
    timestamp: new Date(Number(record.timestamp)).toISOString(),
    key: record.key?.toString('utf8') ?? null,
    headers: Object.fromEntries(record.headers.map(([name, value]) => [name, value.toString('utf8')])),
    size: record.value?.length ?? 0,
  };
  return { ...view, ...decode(record.value) };
}

function decode(value: Buffer | null): Pick<RecordView, 'json' | 'text' | 'hex' | 'note'> {
  if (value === null) return { note: 'no value (a tombstone)' };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(value);
  if (text.includes('\uFFFD')) {
    return {
      hex: value.subarray(0, 4096).toString('hex'),
      note: 'not UTF-8 text: shown as hex (first 4 KiB)',
    };
  }
  try {
    let json: unknown = JSON.parse(text);
    // The outbox router may carry the payload as a JSON string.
    if (typeof json === 'string' && /^\s*[[{]/.test(json)) json = JSON.parse(json);
    return { json };
  } catch {
    return { text, note: 'not JSON: shown as text' };
  }
}
