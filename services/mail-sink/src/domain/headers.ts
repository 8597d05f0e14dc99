// MIME header parsing (RFC 5322 fields, RFC 2045 parameters, RFC 2047 encoded-words). Pure.
//
// Messages are handled as "binary strings" (each byte one char, latin1), so that bytes are never
// reinterpreted before we know their charset: a header or body is turned into text only once.

export interface HeaderField {
  /** Lower-case, e.g. `content-type`. */
  name: string;
  /** Unfolded, still encoded (a binary string). */
  value: string;
}

export interface Entity {
  fields: HeaderField[];
  /** Everything after the empty line that ends the header (a binary string). */
  body: string;
}

/** Splits at the first empty line; a message without one is all header. */
export function splitEntity(raw: string): Entity {
  const end = /\r?\n\r?\n/.exec(raw);
  const head = end === null ? raw : raw.slice(0, end.index);
  const body = end === null ? '' : raw.slice(end.index + end[0].length);
  return { fields: parseFields(head), body };
}

/** Unfolds continuation lines (a line break followed by a space or tab), then reads `name: value`. */
export function parseFields(head: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a field (e.g. an mbox "From " line): ignored, not fatal
    fields.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return fields;
}

export function fieldValue(fields: readonly HeaderField[], name: string): string | undefined {
  return fields.find((field) => field.name === name)?.value;
}

export interface ContentType {
  /** Lower-case `type/subtype`. */
  type: string;
  /** Parameter names lower-case, values unquoted. */
  params: Record<string, string>;
}

/** RFC 2045: without a Content-Type the entity is `text/plain; charset=us-ascii`. */
export function parseContentType(value: string | undefined): ContentType {
  if (value === undefined || value.trim() === '') return { type: 'text/plain', params: {} };
  const semicolon = value.indexOf(';');
  const type = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const params = semicolon < 0 ? {} : parseParams(value.slice(semicolon + 1));
  return { type: type.includes('/') ? type : 'text/plain', params };
}

function parseParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of text.matchAll(/([^=\s;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    const [, name = '', raw = ''] = match;
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw.trim();
    params[name.toLowerCase()] = value;
  }
  return params;
}

// ---- Encoded-words (RFC 2047) -------------------------------------------------------------------

const encodedWord = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

interface PendingWords {
  charset: string;
  bytes: Uint8Array[];
}

/**
 * A header value as text: encoded-words decoded, raw 8-bit bytes read as UTF-8. Whitespace between
 * two adjacent encoded-words is dropped (RFC 2047 §6.2), and adjacent words of one charset are joined
 * as bytes first, because an encoder may split a multi-byte character across two words.
 */
export function decodeHeaderText(value: string): string {
  let text = '';
  let last = 0;
  let pending: PendingWords | null = null;
  for (const match of value.matchAll(encodedWord)) {
    const between = value.slice(last, match.index);
    if (pending === null || !/^[ \t]*$/.test(between)) {
      text += flush(pending) + decodeCharset(binaryBytes(between), 'utf-8');
      pending = null;
    }
    // `utf-8*en`: RFC 2231 appends a language to the charset.
    const charset = (match[1] ?? '').split('*')[0]?.toLowerCase() ?? '';
    const bytes = decodeWord(match[2] ?? 'B', match[3] ?? '');
    if (pending !== null && pending.charset === charset) pending.bytes.push(bytes);
    else {
      text += flush(pending);
      pending = { charset, bytes: [bytes] };
    }
    last = match.index + match[0].length;
  }
  return text + flush(pending) + decodeCharset(binaryBytes(value.slice(last)), 'utf-8');
}

function flush(pending: PendingWords | null): string {
  return pending === null ? '' : decodeCharset(Buffer.concat(pending.bytes), pending.charset);
}

function decodeWord(encoding: string, text: string): Uint8Array {
  if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64');
  // Q: like quoted-printable, and "_" stands for a space.
  return decodeQuotedPrintable(text.replaceAll('_', ' '));
}

// ---- Bytes and charsets -------------------------------------------------------------------------

export function binaryBytes(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** `=XX` escapes and soft line breaks (`=` at the end of a line) undone; anything else kept as is. */
export function decodeQuotedPrintable(text: string): Uint8Array {
  const unwrapped = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < unwrapped.length; i++) {
    const hex = unwrapped.slice(i + 1, i + 3);
    if (unwrapped[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(unwrapped.charCodeAt(i) & 0xff);
  }
  return Uint8Array.from(bytes);
}

/** Text in `charset`; an unknown charset is read as UTF-8 rather than failing the message. */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset.trim() === '' ? 'utf-8' : charset.trim()).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}
