// The operator API (/api/v1/ops/…, the operations service) as end-to-end tests use it: signed in as
// the operator where the stack has sign-in, with the same token rules as the `npm run dlq` tool.
import { type DeadLetterSummary, opsClient } from '../../infra/src/ops-client.ts';
import { testSettings } from './stack.ts';

export const ops = await opsClient(testSettings);

export type { DeadLetterSummary };

/** Every dead letter of a record: one per group that could not handle it. */
export async function deadLettersOf(record: {
  topic: string;
  partition: number;
  offset: bigint;
}): Promise<DeadLetterSummary[]> {
  const page = await ops.call<{ items: DeadLetterSummary[] }>(
    'GET',
    `/api/v1/ops/dead-letters?topic=${record.topic}&limit=500`,
  );
  return page.items.filter(
    (d) => d.origin.partition === record.partition && d.origin.offset === String(record.offset),
  );
}
