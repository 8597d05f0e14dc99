import { redriveHeaders } from '@microshop/contracts';
import {
  type EventProducer,
  type Logger,
  type Pool,
  type PoolClient,
  withTransaction,
} from '@microshop/platform';
import { decide, evolve } from '../domain/dead-letter.ts';
import { appendAudit } from '../store/audit.ts';
import { saveStatuses } from '../store/dead-letters.ts';
import { claimPending, markProduced, type PendingRedrive } from '../store/redrives.ts';

/**
 * Produces pending redrives back to their origin topics, at most `perPass` a pass (the velocity limit:
 * the pass runs every interval), each with its key, value and original headers plus `redrive.group`
 * (only the failed group handles it), `redrive.id` (the dead letter's id: the same for a retried
 * send), `redrive.count` and `redrive.by`. A redrive is marked produced, with an audit entry, in the
 * transaction that claimed it and only after the broker acknowledged it; if that transaction does not
 * commit, the next pass produces it again, and the group's inbox skips the copy. A redrive asked for
 * less than `graceMs` ago waits for a later pass (see claimPending).
 */
/** A redrive is produced no sooner than this after it was asked for: a double click finds it pending. */
export const redriveGraceMs = 1_000;

export function redriveSender(options: {
  pool: Pool;
  producer: EventProducer;
  perPass: number;
  /** How long after it was asked for a redrive is produced at the earliest. */
  graceMs: number;
  logger: Logger;
}) {
  return async (): Promise<number> =>
    withTransaction(options.pool, async (client) => {
      let produced = 0;
      for (const redrive of await claimPending(client, options.perPass, options.graceMs)) {
        if (await produceOne(client, redrive, options)) produced += 1;
      }
      return produced;
    });
}

async function produceOne(
  client: PoolClient,
  redrive: PendingRedrive,
  options: { producer: EventProducer; logger: Logger },
): Promise<boolean> {
  let at: { partition: number; offset: bigint } | undefined;
  try {
    [at] = await options.producer.send([messageOf(redrive)]);
  } catch (error) {
    // Left pending: tried again next pass. Others of the batch go on meanwhile.
    options.logger.warn(
      { err: error, deadLetterId: redrive.dead_letter_id, topic: redrive.origin_topic },
      'redrive not produced',
    );
    return false;
  }
  if (at === undefined) return false;
  await markProduced(client, redrive.id, at);
  const before = {
    status: redrive.status,
    redriveCount: redrive.redrive_count_before,
    failures: redrive.failures,
  };
  const after = decide({ type: 'RecordProduced' }, before).reduce(evolve, before);
  const id = redrive.dead_letter_id;
  await saveStatuses(client, [{ id, status: after.status, redriveCount: after.redriveCount }]);
  await appendAudit(client, [
    {
      actor: redrive.requested_by,
      action: 'dead-letter.redriven',
      targetType: 'dead-letter',
      targetId: id,
      before: { status: before.status, redriveCount: before.redriveCount },
      after: { status: after.status, redriveCount: after.redriveCount, batchId: redrive.batch_id },
      result: `produced to ${redrive.origin_topic} partition ${at.partition} offset ${at.offset}`,
      requestId: redrive.request_id,
    },
  ]);
  return true;
}

function messageOf(redrive: PendingRedrive) {
  const headers: Record<string, Buffer | string> = {};
  for (const [name, base64] of Object.entries(redrive.headers)) headers[name] = Buffer.from(base64, 'base64');
  headers[redriveHeaders.group] = redrive.consumer_group;
  headers[redriveHeaders.id] = redrive.dead_letter_id;
  headers[redriveHeaders.count] = String(redrive.redrive_count);
  headers[redriveHeaders.by] = redrive.requested_by;
  return { topic: redrive.origin_topic, key: redrive.record_key, value: redrive.record_value, headers };
}
