import type { Pool } from '@microshop/platform';
import type { DeadLetterRecord } from '../clients/dead-letter-reader.ts';

// The order-flow index: every record on an order topic that names an order (`orderId`, or the order
// embedded in a status event) becomes one row — where it is, when, its type, the service that wrote
// it, its trace id (from `traceparent`), and a redrive id when it is a redriven copy. Idempotent: a
// record read again after a rebalance is the same row.

/** Indexes a batch of records in one statement (one commit, where a row per record was one each). */
export function indexOrderFlow(pool: Pool) {
  return async (records: readonly DeadLetterRecord[]): Promise<void> => {
    const indexed = records.flatMap((record) => {
      const row = flowRowOf(record);
      return row === null ? [] : [{ record, row }];
    });
    if (indexed.length === 0) return;
    const column = <T>(value: (entry: (typeof indexed)[number]) => T) => indexed.map(value);
    await pool.query({
      name: 'order-flow.insert',
      text: `INSERT INTO order_flow
         (topic, partition, "offset", order_id, at, type, service, trace_id, event_id, redrive_id)
       SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::uuid[], $5::timestamptz[], $6::text[],
         $7::text[], $8::text[], $9::text[], $10::text[])
       ON CONFLICT DO NOTHING`,
      values: [
        column(({ record }) => record.topic),
        column(({ record }) => record.partition),
        column(({ record }) => String(record.offset)),
        column(({ row }) => row.orderId),
        column(({ record }) => new Date(Number(record.timestamp))),
        column(({ row }) => row.type),
        column(({ row }) => row.service),
        column(({ row }) => row.traceId),
        column(({ row }) => row.eventId),
        column(({ row }) => row.redriveId),
      ],
    });
  };
}

interface FlowRow {
  orderId: string;
  type: string | null;
  service: string | null;
  traceId: string | null;
  eventId: string | null;
  redriveId: string | null;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function flowRowOf(record: DeadLetterRecord): FlowRow | null {
  const headers = new Map(
    [...record.headers].map(([name, value]) => [name.toString('utf8'), value.toString('utf8')]),
  );
  const value = parsed(record.value);
  const orderId = text(value?.orderId) ?? text((value?.order as Record<string, unknown> | undefined)?.id);
  if (orderId === null || !uuid.test(orderId)) return null;
  const traceparent = headers.get('traceparent');
  return {
    orderId,
    type: text(value?.type) ?? headers.get('type') ?? null,
    service: text(value?.source) ?? null,
    traceId: traceparent?.split('-')[1] ?? null,
    eventId: text(value?.eventId) ?? headers.get('id') ?? null,
    redriveId: headers.get('redrive.id') ?? null,
  };
}

function parsed(value: Buffer | null): Record<string, unknown> | null {
  if (value === null) return null;
  try {
    let json: unknown = JSON.parse(value.toString('utf8'));
    if (typeof json === 'string') json = JSON.parse(json);
    return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export interface FlowEntry {
  topic: string;
  partition: number;
  offset: string;
  at: string;
  type: string | null;
  service: string | null;
  traceId: string | null;
  eventId: string | null;
  redriveId: string | null;
}

export async function orderFlow(pool: Pool, orderId: string): Promise<FlowEntry[]> {
  const { rows } = await pool.query<FlowEntry & { at: Date }>(
    `SELECT topic, partition, "offset"::text AS offset, at, type, service, trace_id AS "traceId",
            event_id AS "eventId", redrive_id AS "redriveId"
       FROM order_flow WHERE order_id = $1 ORDER BY at, topic, partition, "offset"`,
    [orderId],
  );
  return rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() }));
}
