// The operator API (/api/v1/ops/…, the operations service) as end-to-end tests use it: signed in as
// the operator where the stack has sign-in, with the same token rules as the `npm run dlq` tool.
import { opsClient } from '../../infra/src/ops-client.ts';
import { testSettings } from './stack.ts';

export const ops = await opsClient(testSettings);

export interface DeadLetterView {
  id: string;
  status: string;
  group: string;
  origin: { topic: string; partition: number; offset: string };
  code: string;
  failures: number;
  redriveCount: number;
}

/** Every dead letter of a record: one per group that could not handle it. */
export async function deadLettersOf(record: {
  topic: string;
  partition: number;
  offset: bigint;
}): Promise<DeadLetterView[]> {
  const page = await ops.call<{ items: DeadLetterView[] }>(
    'GET',
    `/api/v1/ops/dead-letters?topic=${record.topic}&limit=500`,
  );
  return page.items.filter(
    (d) => d.origin.partition === record.partition && d.origin.offset === String(record.offset),
  );
}
