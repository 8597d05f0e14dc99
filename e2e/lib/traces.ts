// The traces the stack keeps (the operations service's span store) as end-to-end tests read them.

import type { OpsClient } from '../../infra/src/ops-client.ts';
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

/**
 * The order's trace once it shows a span of each of `services`, a span named `last`, and every span's
 * parent or link (spans arrive in batches, each process's every half second, a parent after its
 * children: it ends last). On time out, the failure lists what the trace had.
 */
export function traceOfOrder(
  orderId: string,
  { services, last }: { services: readonly string[]; last: string },
  { client = ops, timeoutMs = 30_000 }: { client?: OpsClient; timeoutMs?: number } = {},
): Promise<StoredTrace> {
  let seen: StoredTrace | undefined;
  return eventually(
    `the trace of order ${orderId} to cover ${services.join(', ')} and ${last}`,
    async () => {
      seen = await client.call<StoredTrace>('GET', `/api/v1/ops/orders/${orderId}/trace`);
      const complete =
        services.every((service) => seen?.services.includes(service)) &&
        seen.spans.some((span) => span.name === last) &&
        detachedSpans(seen).length === 0;
      return complete ? seen : undefined;
    },
    timeoutMs,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; it has:\n${spanListing(seen)}`, { cause: error });
  });
}

/** A trace as a test failure shows it: a line per span, the service that made it first. */
export function spanListing(trace: StoredTrace | undefined): string {
  if (trace === undefined) return 'no trace yet';
  return trace.spans.map((span) => `${span.service}: ${span.name}`).join('\n');
}

/** Every service a delivered order passes through, the gateway first. */
export const orderPath = [
  'gateway',
  'orders',
  'fraud',
  'inventory',
  'order-details',
  'validation-aggregator',
  'payments',
  'shipments',
  'notifications',
  'order-background',
];

/** The consumer span a delivered order's trace ends with. */
export const deliveredSpan = 'handle OrderDelivered';

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
