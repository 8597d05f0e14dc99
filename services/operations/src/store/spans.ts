import type { Pool } from '@microshop/platform';
import type { SpanRecord } from '../domain/spans.ts';

// The span store (table `spans`): written by the trace receiver, read by the operators' trace routes.

/** Stores `spans` in one statement; a span already stored (an exporter's retry) is left as it is. */
export async function insertSpans(pool: Pool, spans: readonly SpanRecord[]): Promise<void> {
  if (spans.length === 0) return;
  const column = <K extends keyof SpanRecord>(key: K) => spans.map((span) => span[key]);
  await pool.query({
    name: 'spans.insert',
    text: `INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, service, instance, order_id,
         start_unix_nano, end_unix_nano, status, attributes, links)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::text[],
         $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::text[], $12::jsonb[], $13::jsonb[])
       ON CONFLICT (trace_id, span_id) DO NOTHING`,
    values: [
      column('traceId'),
      column('spanId'),
      column('parentSpanId'),
      column('name'),
      column('kind'),
      column('service'),
      column('instance'),
      column('orderId'),
      column('startUnixNano'),
      column('endUnixNano'),
      column('status'),
      spans.map((span) => JSON.stringify(span.attributes)),
      spans.map((span) => JSON.stringify(span.links)),
    ],
  });
}

interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: number;
  service: string;
  instance: string | null;
  order_id: string | null;
  start_unix_nano: string;
  end_unix_nano: string;
  status: SpanRecord['status'];
  attributes: Record<string, unknown>;
  links: SpanRecord['links'];
}

/** The stored spans of one trace, earliest first. */
export async function spansOfTrace(pool: Pool, traceId: string): Promise<SpanRecord[]> {
  const result = await pool.query<SpanRow>(
    `SELECT trace_id, span_id, parent_span_id, name, kind, service, instance, order_id,
       start_unix_nano::text, end_unix_nano::text, status, attributes, links
     FROM spans WHERE trace_id = $1 ORDER BY start_unix_nano, span_id`,
    [traceId],
  );
  return result.rows.map(recordOf);
}

/** The trace an order was placed in: the one of its earliest span. */
export async function traceOfOrder(pool: Pool, orderId: string): Promise<string | null> {
  const result = await pool.query<{ trace_id: string }>(
    'SELECT trace_id FROM spans WHERE order_id = $1 ORDER BY start_unix_nano LIMIT 1',
    [orderId],
  );
  return result.rows[0]?.trace_id ?? null;
}

function recordOf(row: SpanRow): SpanRecord {
  return {
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    kind: row.kind,
    service: row.service,
    instance: row.instance,
    orderId: row.order_id,
    startUnixNano: row.start_unix_nano,
    endUnixNano: row.end_unix_nano,
    status: row.status,
    attributes: row.attributes,
    links: row.links,
  };
}
