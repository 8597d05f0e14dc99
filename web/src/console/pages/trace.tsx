import { useState } from 'preact/hooks';
import { ApiError, get } from '../../common/api.ts';
import { ErrorBox, useLoad } from '../../common/ui.tsx';

// The trace an order was placed in, from the operations service's span store: a waterfall, collapsed
// until opened, each span indented under its parent, its bar placed by start and length, failures in
// red, a search that marks the spans whose name or service matches.

interface Span {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  service: string;
  startUnixNano: string;
  endUnixNano: string;
  status: 'unset' | 'ok' | 'error';
}

interface Trace {
  traceId: string;
  services: string[];
  spans: Span[];
}

const ms = (nanos: bigint) => Number(nanos / 1000n) / 1000;

/** Spans in tree order (each after its parent, siblings by start), with their depth. */
function ordered(spans: Span[]): { span: Span; depth: number }[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string | null, Span[]>();
  for (const span of spans) {
    const parent = span.parentSpanId !== null && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const out: { span: Span; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) =>
      BigInt(a.startUnixNano) < BigInt(b.startUnixNano) ? -1 : 1,
    );
    for (const span of list) {
      out.push({ span, depth });
      walk(span.spanId, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

export function OrderTrace({ orderId }: { orderId: string }) {
  const trace = useLoad(
    () =>
      get<Trace>(`/api/v1/ops/orders/${orderId}/trace`).catch((error: unknown) => {
        if (error instanceof ApiError && error.problem.status === 404) return null;
        throw error;
      }),
    [orderId],
  );
  return (
    <section class="card" aria-labelledby="flow-trace">
      <h2 id="flow-trace">Trace</h2>
      <ErrorBox error={trace.error} />
      {trace.value === null && <p class="muted">No trace is stored for this order (yet).</p>}
      {trace.value && <Waterfall trace={trace.value} />}
    </section>
  );
}

function Waterfall({ trace }: { trace: Trace }) {
  const [search, setSearch] = useState('');
  const rows = ordered(trace.spans);
  const start = rows.reduce(
    (min, { span }) => (BigInt(span.startUnixNano) < min ? BigInt(span.startUnixNano) : min),
    BigInt(rows[0]?.span.startUnixNano ?? 0),
  );
  const end = rows.reduce(
    (max, { span }) => (BigInt(span.endUnixNano) > max ? BigInt(span.endUnixNano) : max),
    start,
  );
  const total = Math.max(ms(end - start), 0.001);
  const wanted = search.trim().toLowerCase();
  return (
    <details>
      <summary data-testid="trace-summary">
        {trace.spans.length} spans in {trace.services.length} services over {total.toFixed(1)} ms
      </summary>
      <label for="trace-search">Find a span</label>{' '}
      <input
        id="trace-search"
        value={search}
        onInput={(event) => setSearch((event.target as HTMLInputElement).value)}
      />
      <ol style="list-style:none;padding:0">
        {rows.map(({ span, depth }) => {
          const offset = (ms(BigInt(span.startUnixNano) - start) / total) * 100;
          const width = Math.max(
            (ms(BigInt(span.endUnixNano) - BigInt(span.startUnixNano)) / total) * 100,
            0.5,
          );
          const hit = wanted !== '' && `${span.service} ${span.name}`.toLowerCase().includes(wanted);
          return (
            <li
              key={span.spanId}
              id={`span-${span.spanId}`}
              style={`padding-left:${depth}rem;${hit ? 'background:#fff4d6' : ''}`}
            >
              <span style={span.status === 'error' ? 'color:#b3261e;font-weight:600' : ''}>
                {span.service} · {span.name} ·{' '}
                {ms(BigInt(span.endUnixNano) - BigInt(span.startUnixNano)).toFixed(1)} ms
              </span>
              <div style="position:relative;height:0.5rem;background:#eef1f4">
                <span
                  style={`position:absolute;left:${offset}%;width:${width}%;height:100%;background:${span.status === 'error' ? '#b3261e' : '#0b5cad'}`}
                />
              </div>
            </li>
          );
        })}
      </ol>
    </details>
  );
}
