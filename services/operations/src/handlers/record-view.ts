import { maskJson, maskText } from '../domain/masking.ts';
import type { BrowsedRecord } from '../domain/topic-page.ts';

// A record as the console shows it: key and headers as text, the value decoded — JSON (the envelope,
// or Debezium's outbox payload, a JSON document inside a JSON string, unwrapped) — else text, else
// hex with the reason it is not text. E-mail addresses are masked unless the caller asked to reveal
// them (one record at a time, audited: kafka-record-routes.ts).

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

export function viewOf(record: BrowsedRecord, options: { reveal?: boolean } = {}): RecordView {
  const mask = options.reveal === true ? (text: string) => text : maskText;
  const key = record.key?.toString('utf8') ?? null;
  const view: RecordView = {
    partition: record.partition,
    offset: String(record.offset),
    timestamp: new Date(Number(record.timestamp)).toISOString(),
    key: key === null ? null : mask(key),
    headers: Object.fromEntries(record.headers.map(([name, value]) => [name, mask(value.toString('utf8'))])),
    size: record.value?.length ?? 0,
  };
  const value = decode(record.value);
  if (options.reveal === true) return { ...view, ...value };
  return {
    ...view,
    ...value,
    ...(value.json === undefined ? {} : { json: maskJson(value.json) }),
    ...(value.text === undefined ? {} : { text: maskText(value.text) }),
  };
}

/** The value as JSON when it is JSON, unmasked: what the server-side filters test. */
export function jsonOf(record: BrowsedRecord): unknown {
  return decode(record.value).json;
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
