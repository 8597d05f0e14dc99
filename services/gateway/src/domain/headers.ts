/**
 * Which headers cross the gateway. Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection
 * and must not be forwarded; the gateway adds what an upstream needs to know about the original
 * caller. Pure functions over plain header records.
 */

export type HeaderRecord = Record<string, string | string[] | undefined>;
export type OutgoingHeaders = Record<string, string | string[]>;

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Dropped from requests as well: `host` names the gateway, not the upstream; `content-length` is
 * recomputed from the buffered body; `expect: 100-continue` is the gateway's business (the body is
 * already read) and undici refuses it; the `x-forwarded-*` and request id are set anew below.
 */
const droppedFromRequests = new Set([
  'host',
  'content-length',
  'expect',
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
]);

/**
 * Dropped from answers as well: the gateway sets `content-length` for the body it actually sends,
 * and echoes its own request id (the one it sent upstream, so they agree anyway).
 */
const droppedFromResponses = new Set(['content-length', 'x-request-id']);

export interface ForwardContext {
  clientIp: string;
  requestId: string;
  /** The caller's `host`, passed on as `x-forwarded-host`. */
  host: string | undefined;
  protocol: 'http' | 'https';
  /**
   * The gateway traces the request: the caller's `traceparent` and `tracestate` are dropped, since
   * the gateway's HTTP client sends its own (a child of the caller's), and two would make the upstream
   * start a new trace.
   */
  traced?: boolean;
}

const traceHeaders = new Set(['traceparent', 'tracestate']);

export function upstreamRequestHeaders(incoming: HeaderRecord, context: ForwardContext): OutgoingHeaders {
  const headers = copyHeaders(
    incoming,
    context.traced === true ? new Set([...droppedFromRequests, ...traceHeaders]) : droppedFromRequests,
  );
  const previous = joined(incoming['x-forwarded-for']);
  headers['x-forwarded-for'] = previous === undefined ? context.clientIp : `${previous}, ${context.clientIp}`;
  if (context.host !== undefined) headers['x-forwarded-host'] = context.host;
  headers['x-forwarded-proto'] = context.protocol;
  headers['x-request-id'] = context.requestId;
  return headers;
}

export function downstreamResponseHeaders(upstream: HeaderRecord): OutgoingHeaders {
  return copyHeaders(upstream, droppedFromResponses);
}

/** Copies every header except hop-by-hop ones, `dropped`, and those the Connection header names. */
function copyHeaders(source: HeaderRecord, dropped: ReadonlySet<string>): OutgoingHeaders {
  const named = connectionTokens(source.connection);
  const headers: OutgoingHeaders = {};
  for (const [rawName, value] of Object.entries(source)) {
    const name = rawName.toLowerCase();
    if (value === undefined || hopByHop.has(name) || dropped.has(name) || named.has(name)) continue;
    headers[name] = value;
  }
  return headers;
}

/** `Connection: close, x-foo` makes `x-foo` hop-by-hop too. */
function connectionTokens(value: string | string[] | undefined): Set<string> {
  const text = joined(value);
  if (text === undefined) return new Set();
  return new Set(
    text
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== ''),
  );
}

function joined(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text.trim() === '' ? undefined : text;
}
