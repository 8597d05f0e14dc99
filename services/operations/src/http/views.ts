import type { AuditRow } from '../store/audit.ts';
import type { DeadLetterRow } from '../store/dead-letters.ts';
import type { RedriveRow } from '../store/redrives.ts';

// Rows as the API shows them: times as ISO strings, offsets as decimal strings, bytes decoded for
// reading with their exact base64 beside.

const iso = (at: Date | null) => (at === null ? null : at.toISOString());

export function summaryView(row: DeadLetterRow) {
  return {
    id: row.id,
    status: row.status,
    service: row.service,
    group: row.consumer_group,
    origin: { topic: row.origin_topic, partition: row.origin_partition, offset: row.origin_offset },
    eventId: row.event_id,
    eventType: row.event_type,
    error: row.error,
    code: row.error_code,
    attempts: row.attempts,
    failures: row.failures,
    firstFailedAt: row.first_failed_at.toISOString(),
    lastFailedAt: row.last_failed_at.toISOString(),
    redriveCount: row.redrive_count,
    lastRedrivenAt: iso(row.last_redriven_at),
    discardReason: row.discard_reason,
    deadLetterRecord: { partition: row.dlq_partition, offset: row.dlq_offset },
  };
}

export function detailView(row: DeadLetterRow, redrives: readonly RedriveRow[], audit: readonly AuditRow[]) {
  return {
    ...summaryView(row),
    key: row.record_key === null ? null : bytesView(row.record_key),
    value: row.record_value === null ? null : bytesView(row.record_value),
    headers: Object.entries(row.headers).map(([name, base64]) => ({
      name,
      value: bytesView(Buffer.from(base64, 'base64')),
    })),
    redrives: redrives.map(redriveView),
    audit: audit.map(auditView),
  };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes for a reader: the text if it is UTF-8, parsed if it is JSON, and always the exact base64. */
export function bytesView(bytes: Buffer) {
  const base64 = bytes.toString('base64');
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { size: bytes.length, base64, text: null, note: 'not valid UTF-8: shown as base64 only' };
  }
  try {
    return { size: bytes.length, base64, text, json: JSON.parse(text) as unknown, note: null };
  } catch {
    return { size: bytes.length, base64, text, note: text === '' ? null : 'not JSON' };
  }
}

export function redriveView(row: RedriveRow) {
  return {
    batchId: row.batch_id,
    deadLetterId: row.dead_letter_id,
    count: row.redrive_count,
    state: row.state,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at.toISOString(),
    producedAt: iso(row.produced_at),
    produced:
      row.produced_partition === null || row.produced_offset === null
        ? null
        : { partition: row.produced_partition, offset: row.produced_offset },
    resolvedAt: iso(row.resolved_at),
  };
}

export function auditView(row: AuditRow) {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    before: row.before,
    after: row.after,
    result: row.result,
    reason: row.reason,
    requestId: row.request_id,
  };
}

/** A page cursor as an opaque URL-safe string, and back (the kit's keyset cursor). */
export { decodePageCursor as decodeCursor, encodePageCursor as encodeCursor } from '@microshop/platform';
