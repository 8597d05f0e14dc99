import { createHash } from 'node:crypto';
import { decodeHeaders, eventIdOf, type Pool, withTransaction } from '@microshop/platform';
import type { DeadLetterRecord } from '../clients/dead-letter-reader.ts';
import {
  decide,
  evolve,
  type Failure,
  failureOf,
  isOriginalHeader,
  redriveOf,
  serviceOf,
} from '../domain/dead-letter.ts';
import { appendAudit } from '../store/audit.ts';
import {
  type DeadLetterRow,
  insertDeadLetter,
  lockDeadLetter,
  recordFailedAgain,
  stateOf,
} from '../store/dead-letters.ts';

/**
 * Indexes one record of microshop.dead-letter: a new dead letter gets a row; a redriven copy that
 * failed again (it carries `redrive.id`) updates the row it was redriven from, with an audit entry; a
 * record read a second time (a rebalance, a restart before the commit) changes nothing.
 */
export function indexDeadLetters(options: { pool: Pool; services: readonly string[] }) {
  return async (record: DeadLetterRecord): Promise<void> => {
    const headers = decodeHeaders(record.headers);
    const failure = failureOf(headers, new Date(Number(record.timestamp)));
    const redrive = redriveOf(headers);
    const id = redrive?.id ?? deadLetterId(failure);
    await withTransaction(options.pool, async (client) => {
      const existing = await lockDeadLetter(client, id);
      if (existing === null) {
        await insertDeadLetter(client, {
          id,
          failure,
          service: serviceOf(failure.group, options.services),
          key: record.key,
          value: record.value,
          headers: originalHeaders(record.headers),
          eventId: eventIdOf(headers, jsonOrNull(record.value)),
          eventType: headers.type ?? null,
          dlqPartition: record.partition,
          dlqOffset: record.offset,
        });
        return;
      }
      if (redrive === null || !isLater(record, failure, existing)) return;
      const before = stateOf(existing);
      const after = decide({ type: 'RecordFailure' }, before).reduce(evolve, before);
      const change = { failure, status: after.status, failures: after.failures };
      await recordFailedAgain(client, id, {
        ...change,
        dlqPartition: record.partition,
        dlqOffset: record.offset,
      });
      await appendAudit(client, [
        {
          actor: 'system',
          action: 'dead-letter.failed-again',
          targetType: 'dead-letter',
          targetId: id,
          before: { status: before.status, failures: before.failures },
          after: { status: after.status, failures: after.failures, code: failure.code, error: failure.error },
          result: 'ok',
        },
      ]);
    });
  };
}

/**
 * The id of a dead letter, from where it first failed (a name-based UUID, version 5 layout): the
 * same record parked twice by the same group gets the same id, and so does every redrive of it.
 */
export function deadLetterId(failure: Pick<Failure, 'topic' | 'partition' | 'offset' | 'group'>): string {
  const hash = createHash('sha1')
    .update(
      ['microshop.dead-letter', failure.topic, failure.partition, failure.offset, failure.group].join('\n'),
    )
    .digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The original headers as exact bytes (base64), without the dlq.* and redrive.* ones. */
function originalHeaders(headers: Map<Buffer, Buffer>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of headers) {
    const text = name.toString('utf8');
    if (isOriginalHeader(text)) kept[text] = (value ?? Buffer.alloc(0)).toString('base64');
  }
  return kept;
}

/** Whether the record is a later failure than the one the row holds (not the same one read again). */
function isLater(record: DeadLetterRecord, failure: Failure, row: DeadLetterRow): boolean {
  if (record.partition === row.dlq_partition) return record.offset > BigInt(row.dlq_offset);
  return failure.failedAt > row.last_failed_at;
}

function jsonOrNull(value: Buffer | null): unknown {
  if (value === null || value.length === 0) return null;
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
}
