import { accessToken } from './session.ts';

// Server-sent events over fetch rather than EventSource: EventSource cannot send the Authorization
// header, and a token in the URL would end up in logs. Reconnects with backoff after a lost
// connection (sending Last-Event-ID) and reports the connection state, so a page can say it is
// offline and recover instead of going blank.

export type StreamState = 'connecting' | 'open' | 'lost';

export interface StreamHandlers {
  onEvent(type: string, data: string): void;
  onState(state: StreamState): void;
}

export function openStream(path: string, handlers: StreamHandlers): () => void {
  const stop = new AbortController();
  let lastId: string | null = null;
  void (async () => {
    for (let attempt = 0; !stop.signal.aborted; attempt++) {
      handlers.onState(attempt === 0 ? 'connecting' : 'lost');
      try {
        const ended = await readOnce(path, lastId, stop.signal, handlers, (id) => {
          lastId = id;
          attempt = 0;
        });
        if (ended === 'done') return;
      } catch {
        // Lost: fall through to the backoff and try again.
      }
      if (stop.signal.aborted) return;
      handlers.onState('lost');
      await sleep(Math.min(500 * 2 ** attempt, 5_000), stop.signal);
    }
  })();
  return () => stop.abort();
}

async function readOnce(
  path: string,
  lastId: string | null,
  signal: AbortSignal,
  handlers: StreamHandlers,
  onId: (id: string) => void,
): Promise<'done' | 'lost'> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  const token = await accessToken();
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (lastId !== null) headers['last-event-id'] = lastId;
  const response = await fetch(path, { headers, signal });
  if (!response.ok || response.body === null) {
    // A 4xx will not get better by asking again (not found, not yours, signed out).
    if (response.status >= 400 && response.status < 500) {
      handlers.onEvent('error', await response.text());
      return 'done';
    }
    return 'lost';
  }
  handlers.onState('open');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return 'lost';
    buffer += value;
    let boundary = buffer.indexOf('\n\n');
    while (boundary >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      if (dispatch(block, handlers, onId) === 'end') return 'done';
      boundary = buffer.indexOf('\n\n');
    }
  }
}

function dispatch(block: string, handlers: StreamHandlers, onId: (id: string) => void): 'end' | 'more' {
  let type = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const [field, ...rest] = line.split(':');
    const value = rest.join(':').replace(/^ /, '');
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') onId(value);
  }
  if (data.length === 0) return 'more';
  handlers.onEvent(type, data.join('\n'));
  return type === 'end' ? 'end' : 'more';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
