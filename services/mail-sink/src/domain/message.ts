import {
  binaryBytes,
  decodeCharset,
  decodeHeaderText,
  decodeQuotedPrintable,
  type Entity,
  fieldValue,
  parseContentType,
  splitEntity,
} from './headers.ts';

/**
 * What the sink keeps of a received message: a few decoded headers and the plain-text body. Enough
 * for people and tests to read what microshop sends (nodemailer's text-only mails), not a full
 * MIME library: no HTML, no attachments, no RFC 2231 continuations. Never throws: a sink that
 * refused an odd message would hide exactly the mail someone wants to look at.
 */
export interface ParsedMessage {
  /** As written, angle brackets included, e.g. `<id@host>`; null without the header. */
  messageId: string | null;
  /** The From header as text, e.g. `microshop <orders@microshop.local>`; '' without it. */
  from: string;
  subject: string;
  /**
   * The first text/plain part, line breaks as `\n`, without trailing line breaks (transfer encodings
   * add one or not, so keeping them would make the same text read differently); '' if none.
   */
  text: string;
}

/** Nested multiparts deeper than this are not searched (a hostile message cannot recurse for ever). */
const maxDepth = 8;

export function parseMessage(raw: Uint8Array): ParsedMessage {
  const entity = splitEntity(Buffer.from(raw).toString('latin1'));
  const messageId = fieldValue(entity.fields, 'message-id');
  return {
    messageId: messageId === undefined ? null : messageId.trim(),
    from: decodeHeaderText(fieldValue(entity.fields, 'from') ?? ''),
    subject: decodeHeaderText(fieldValue(entity.fields, 'subject') ?? ''),
    text: firstPlainText(entity, 0) ?? '',
  };
}

/** Depth first, in order: the first text/plain that is not an attachment. */
function firstPlainText(entity: Entity, depth: number): string | null {
  const contentType = parseContentType(fieldValue(entity.fields, 'content-type'));
  if (contentType.type.startsWith('multipart/')) {
    const boundary = contentType.params.boundary;
    if (boundary === undefined || boundary === '' || depth >= maxDepth) return null;
    for (const part of splitMultipart(entity.body, boundary)) {
      const text = firstPlainText(splitEntity(part), depth + 1);
      if (text !== null) return text;
    }
    return null;
  }
  if (contentType.type !== 'text/plain' || isAttachment(entity)) return null;
  const encoding = fieldValue(entity.fields, 'content-transfer-encoding') ?? '7bit';
  const bytes = decodeTransfer(entity.body, encoding);
  return decodeCharset(bytes, contentType.params.charset ?? 'utf-8')
    .replace(/\r\n?/g, '\n')
    .replace(/\n+$/, '');
}

function isAttachment(entity: Entity): boolean {
  return /^\s*attachment\b/i.test(fieldValue(entity.fields, 'content-disposition') ?? '');
}

/** 7bit, 8bit, binary and anything unknown are taken as they are. */
export function decodeTransfer(body: string, encoding: string): Uint8Array {
  switch (encoding.trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return binaryBytes(body);
  }
}

/**
 * The parts between `--boundary` lines, up to `--boundary--` (RFC 2046 §5.1.1). The line break
 * before a delimiter belongs to the delimiter, so it is not part of the part before it.
 */
export function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let current: string[] | null = null; // null: still in the preamble
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current !== null) parts.push(current.join('\r\n'));
      if (trimmed !== delimiter) return parts; // the closing delimiter: the epilogue is ignored
      current = [];
    } else current?.push(line);
  }
  if (current !== null) parts.push(current.join('\r\n')); // no closing delimiter: keep what came
  return parts;
}
