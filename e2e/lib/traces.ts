// The traces the stack keeps (the operations service's span store) as end-to-end tests read them.
import { eventually } from './api.ts';
import { ops } from './ops.ts';

export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  service: string;
  orderId: string | null;
  startUnixNano: string;
  endUnixNano: string;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

export interface StoredTrace {
  traceId: string;
  services: string[];
  spans: StoredSpan[];
}

/** The order's trace once it shows a span of each of `services` (spans arrive in batches). */
export function traceOfOrder(orderId: string, services: readonly string[], timeoutMs = 30_000) {
  return eventually(
    `the trace of order ${orderId} to cover ${services.join(', ')}`,
    async () => {
      const trace = await ops.call<StoredTrace>('GET', `/api/v1/ops/orders/${orderId}/trace`);
      return services.every((service) => trace.services.includes(service)) ? trace : undefined;
    },
    timeoutMs,
  );
}

/**
 * The spans that hang together with none of the trace: neither their parent nor a span they link to
 * is one of the trace's, and they are not its one root.
 */
export function detachedSpans(trace: StoredTrace): StoredSpan[] {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  const roots = trace.spans.filter((span) => span.parentSpanId === null);
  return trace.spans.filter((span) => {
    if (span.parentSpanId === null) return roots.length > 1 && span !== roots[0];
    if (ids.has(span.parentSpanId)) return false;
    return !span.links.some((link) => link.traceId === trace.traceId && ids.has(link.spanId));
  });
}
