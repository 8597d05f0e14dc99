import { setTimeout as sleep } from 'node:timers/promises';
import { type Logger, type Pool, withTransaction } from '@microshop/platform';
import type { ConnectClient, ConnectorStatus } from '../clients/connect.ts';
import { appendAudit } from '../store/audit.ts';
import type { Actor } from './dead-letter-actions.ts';

export const connectorActions = ['restart', 'pause', 'resume'] as const;
export type ConnectorAction = (typeof connectorActions)[number];

export interface ConnectorActionAnswer {
  connector: string;
  action: ConnectorAction;
  before: ConnectorStatus;
  /** The state once it changed, or as it was when the wait ran out. */
  after: ConnectorStatus;
  /** Whether the state (of the connector or a task) changed within the wait. */
  changed: boolean;
}

/**
 * Restarts (the failed units, or all of them), pauses or resumes a connector, and answers with its
 * state before and after: the call polls Connect until the state changes (or `waitMs` runs out), so
 * the caller sees what the action did, not just that it was sent. The audit entry is written in the
 * transaction opened before the action and committed after it: if the database is down, nothing is
 * done; an action Connect refuses is audited with its failure and answered with it.
 */
export async function actOnConnector(
  deps: { pool: Pool; connect: ConnectClient; logger: Logger },
  request: { connector: string; action: ConnectorAction; onlyFailed?: boolean; reason?: string | undefined },
  by: Actor,
  waitMs = 5_000,
): Promise<ConnectorActionAnswer> {
  const { connect } = deps;
  const outcome = await withTransaction(deps.pool, async (client) => {
    const before = await connect.status(request.connector);
    let failure: unknown;
    try {
      await perform(connect, request);
    } catch (error) {
      failure = error;
    }
    const after = failure === undefined ? await untilChanged(connect, before, waitMs) : before;
    await appendAudit(client, [
      {
        actor: by.actor,
        action: `connector.${request.action}`,
        targetType: 'connector',
        targetId: request.connector,
        before: summary(before),
        after: summary(after),
        result: failure === undefined ? 'ok' : `failed: ${(failure as Error).message}`,
        reason: request.reason,
        requestId: by.requestId,
      },
    ]);
    return { before, after, failure };
  });
  if (outcome.failure !== undefined) throw outcome.failure;
  const changed = JSON.stringify(summary(outcome.before)) !== JSON.stringify(summary(outcome.after));
  return {
    connector: request.connector,
    action: request.action,
    before: outcome.before,
    after: outcome.after,
    changed,
  };
}

function perform(
  connect: ConnectClient,
  request: { connector: string; action: ConnectorAction; onlyFailed?: boolean },
) {
  switch (request.action) {
    case 'restart':
      return connect.restart(request.connector, { onlyFailed: request.onlyFailed ?? true });
    case 'pause':
      return connect.pause(request.connector);
    case 'resume':
      return connect.resume(request.connector);
  }
}

async function untilChanged(
  connect: ConnectClient,
  before: ConnectorStatus,
  waitMs: number,
): Promise<ConnectorStatus> {
  const deadline = Date.now() + waitMs;
  const was = JSON.stringify(summary(before));
  let current = before;
  while (Date.now() < deadline) {
    await sleep(250);
    current = await connect.status(before.name);
    if (JSON.stringify(summary(current)) !== was) return current;
  }
  return current;
}

/** States only (no worker ids or traces): what the audit and the change check compare. */
export function summary(status: ConnectorStatus): Record<string, string> {
  const units: Record<string, string> = { connector: status.connector.state };
  for (const task of status.tasks) units[`task ${task.id}`] = task.state;
  return units;
}
