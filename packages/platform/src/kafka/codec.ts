// Turning Kafka bytes into what handlers see, and back. The clients are built without the library's
// serialisers: the consumer needs the original bytes to dead-letter a message unchanged, and a value
// that is not JSON must reach us as a result we can act on, not as a destroyed stream.

/** A message as a handler receives it: key and headers as strings, value parsed from JSON. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: bigint;
  key: string | null;
  /** The JSON-decoded value; `null` for a tombstone (a record without value). */
  value: unknown;
  headers: Record<string, string>;
  timestamp: Date;
  /** The event id: header `id` (set by Debezium's Outbox Event Router), else `value.id`, else null. */
  eventId: string | null;
}

/** The parts of a fetched record that decoding needs, as the library hands them over. */
export interface RawRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null | undefined;
  value: Buffer | null | undefined;
  headers: Map<Buffer, Buffer>;
}

export type DecodeResult = { ok: true; message: ConsumedMessage } | { ok: false; error: Error };

/** A value accepted by the producer: Buffers and strings go out as they are, the rest as JSON. */
export type OutgoingValue = Buffer | string | null | undefined | object | number | boolean;

export function encodeKey(key: string | Buffer | null | undefined): Buffer | undefined {
  if (key === null || key === undefined) return undefined;
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

export function encodeValue(value: OutgoingValue): Buffer | undefined {
  if (value === null || value === undefined) return undefined; // tombstone
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return Buffer.from(JSON.stringify(value), 'utf8');
}

export function encodeHeaders(headers: Record<string, string | Buffer> | undefined): Record<string, Buffer> {
  const encoded: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    encoded[name] = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  }
  return encoded;
}

/** Header names and values as UTF-8 strings; a repeated header keeps its last value. */
export function decodeHeaders(
  headers: Iterable<[Buffer, Buffer | null | undefined]>,
): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of headers) {
    decoded[name.toString('utf8')] = value ? value.toString('utf8') : '';
  }
  return decoded;
}

export class ValueNotJsonError extends Error {
  readonly code = 'KAFKA_VALUE_NOT_JSON';
  readonly retriable = false;
}

/** Parses the value as JSON. An absent or empty value is a tombstone and decodes to null. */
export function decodeValue(value: Buffer | null | undefined): unknown {
  if (!value || value.length === 0) return null;
  try {
    return JSON.parse(value.toString('utf8'));
  } catch (cause) {
    throw new ValueNotJsonError(`value is not JSON: ${(cause as Error).message}`, { cause });
  }
}

/**
 * The event id consumers record in their inbox. Debezium's header converter may write a string
 * header JSON-quoted (`"8c1…"`), so quotes are stripped.
 */
export function eventIdOf(headers: Record<string, string>, value: unknown): string | null {
  const header = headers.id;
  if (header) return unquote(header);
  if (typeof value === 'object' && value !== null && 'id' in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === 'string' && id.length > 0) return id;
  }
  return null;
}

function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // not a JSON string after all: keep it as it came
    }
  }
  return text;
}

export function decodeRecord(record: RawRecord): DecodeResult {
  const headers = decodeHeaders(record.headers);
  let value: unknown;
  try {
    value = decodeValue(record.value);
  } catch (error) {
    return { ok: false, error: error as Error };
  }
  const message: ConsumedMessage = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key ? record.key.toString('utf8') : null,
    value,
    headers,
    timestamp: new Date(Number(record.timestamp)),
    eventId: eventIdOf(headers, value),
  };
  return { ok: true, message };
}
