// The audit's questions to the operations service (operator only, through the gateway): every dead
// letter with its reason, and whether the outbox has drained onto Kafka.
import { setTimeout as sleep } from 'node:timers/promises';
import { type DeadLetterSummary, type OpsClient, opsClient } from '../../infra/src/ops-client.ts';
import type { ChaosStack } from './faults.ts';

export interface OutboxFindings {
  /** A heartbeat written after the audit began came back: every outbox row before it is on Kafka. */
  drained: boolean;
  outboxLagMs: number | null;
  slotLagBytes: number | null;
}

/** Every dead letter, whatever its status, newest failure first. */
export async function deadLetters(stack: ChaosStack): Promise<DeadLetterSummary[]> {
  const ops = await opsClient(stack.settings);
  const all: DeadLetterSummary[] = [];
  let after: string | null | undefined = null;
  do {
    const cursor: string = after ? `&after=${encodeURIComponent(after)}` : '';
    const page: { items: DeadLetterSummary[]; next?: string | null } = await ops.call(
      'GET',
      `/api/v1/ops/dead-letters?status=open,redriving,redriven,discarded&limit=500${cursor}`,
    );
    all.push(...page.items);
    after = page.next;
  } while (after);
  return all;
}

interface EventFlow {
  ok: boolean;
  lastReturnedAgeMs: number | null;
  outboxLagMs: number;
}

async function slotLag(ops: OpsClient): Promise<number | null> {
  const { slots } = await ops.call<{ slots: { slot: string; lagBytes: number | null }[] }>(
    'GET',
    '/api/v1/ops/replication-slots',
  );
  return slots.find((slot) => slot.slot === 'microshop_outbox')?.lagBytes ?? null;
}

/** Waits (up to `timeoutMs`) for a heartbeat written after now to come back. */
export async function outboxDrained(stack: ChaosStack, timeoutMs = 60_000): Promise<OutboxFindings> {
  const ops = await opsClient(stack.settings);
  const since = Date.now();
  let flow: EventFlow | undefined;
  while (Date.now() < since + timeoutMs) {
    flow = await ops.call<EventFlow>('GET', '/api/v1/ops/event-flow').catch(() => undefined);
    const returnedSentAt = flow?.lastReturnedAgeMs == null ? 0 : Date.now() - flow.lastReturnedAgeMs;
    if (flow?.ok && returnedSentAt > since) {
      return { drained: true, outboxLagMs: flow.outboxLagMs, slotLagBytes: await slotLag(ops) };
    }
    await sleep(1000);
  }
  return { drained: false, outboxLagMs: flow?.outboxLagMs ?? null, slotLagBytes: await slotLag(ops) };
}
