import { malformedRequest, notFound, type Pool } from '@microshop/platform';
import { discard, requestRedrive, type Target } from '../handlers/dead-letter-actions.ts';
import { batchProgress, cancelBatch } from '../handlers/redrive-batches.ts';
import { listAudit } from '../store/audit.ts';
import { countDeadLetters, listDeadLetters } from '../store/dead-letter-reads.ts';
import { type DeadLetterFilter, findDeadLetter } from '../store/dead-letters.ts';
import { type BatchRow, listBatches } from '../store/redrive-batches.ts';
import { redrivesOf } from '../store/redrives.ts';
import { actorOf, operatorRoute, problems } from './operator-route.ts';
import type { OpsApp } from './routes.ts';
import {
  actionAnswer,
  auditPage,
  auditQuery,
  batchesQuery,
  batchList,
  batchParams,
  batchView,
  cancelBody,
  deadLetterCounts,
  deadLetterDetail,
  deadLetterPage,
  discardBody,
  idParams,
  listQuery,
  redriveBody,
} from './schemas.ts';
import { auditView, decodeCursor, detailView, encodeCursor, redriveView, summaryView } from './views.ts';

/**
 * The dead-letter routes, operators only:
 *   GET  /api/v1/ops/dead-letters                    list (filter by group, service, topic, code, status; keyset pages)
 *   GET  /api/v1/ops/dead-letters/summary            counts per group, topic, error code and status
 *   GET  /api/v1/ops/dead-letters/{id}               one, with key, value, headers, redrives and audit
 *   POST /api/v1/ops/dead-letters/redrive            by ids or filter, confirmed count, dry run, velocity
 *   POST /api/v1/ops/dead-letters/discard            the same, with a required reason
 *   GET  /api/v1/ops/redrives                        the newest redrive tasks with their progress
 *   GET  /api/v1/ops/redrives/{batchId}              a redrive request's progress
 *   POST /api/v1/ops/redrives/{batchId}/cancel       cancels what of it is still pending
 *   GET  /api/v1/ops/audit                           the audit log, filtered, newest first
 */
export function registerDeadLetterRoutes(app: OpsApp, pool: Pool): void {
  registerReads(app, pool);
  registerActions(app, pool);
  registerBatches(app, pool);
  registerAudit(app, pool);
}

function registerReads(app: OpsApp, pool: Pool): void {
  const listing = { querystring: listQuery, response: { 200: deadLetterPage, ...problems } };
  app.get(
    '/api/v1/ops/dead-letters',
    operatorRoute('Dead letters, newest failure first', listing),
    async (request) => {
      const { limit, after, before, ...filter } = request.query;
      const page = await listDeadLetters(pool, filterOf(filter), {
        limit,
        after: cursor(after),
        before: cursor(before),
      });
      const [next, prev] = [encodeCursor(page.next), encodeCursor(page.prev)];
      return { items: page.rows.map(summaryView), total: page.total, next, prev };
    },
  );

  const counting = {
    querystring: listQuery.omit({ limit: true, after: true, before: true }),
    response: { 200: deadLetterCounts, ...problems },
  };
  app.get(
    '/api/v1/ops/dead-letters/summary',
    operatorRoute('Dead letters counted per group, topic, error code and status', counting),
    async (request) => {
      const groups = await countDeadLetters(pool, filterOf(request.query));
      return {
        groups: groups.map((g) => ({
          ...g,
          status: g.status as never,
          lastFailedAt: g.lastFailedAt.toISOString(),
        })),
      };
    },
  );

  const one = { params: idParams, response: { 200: deadLetterDetail, ...problems } };
  app.get(
    '/api/v1/ops/dead-letters/:id',
    operatorRoute('One dead letter: the record, its failure, redrives and audit', one),
    async (request) => {
      const row = await findDeadLetter(pool, request.params.id);
      if (row === null) throw notFound('Dead letter', request.params.id);
      const [redrives, audit] = await Promise.all([
        redrivesOf(pool, row.id),
        listAudit(pool, { targetType: 'dead-letter', targetId: row.id }, { limit: 100 }),
      ]);
      return detailView(row, redrives, audit);
    },
  );
}

function registerActions(app: OpsApp, pool: Pool): void {
  const redrive = { body: redriveBody, response: { 200: actionAnswer, 202: actionAnswer, ...problems } };
  app.post(
    '/api/v1/ops/dead-letters/redrive',
    operatorRoute('Redrive dead letters to their origin topic, addressed to the group that failed', redrive),
    async (request, reply) => {
      const { reason, ratePerSecond } = request.body;
      const answer = await requestRedrive(pool, actorOf(request), targetOf(request.body), {
        reason,
        ratePerSecond,
      });
      return reply.status(answer.dryRun ? 200 : 202).send(answer);
    },
  );

  const discarding = { body: discardBody, response: { 200: actionAnswer, ...problems } };
  app.post(
    '/api/v1/ops/dead-letters/discard',
    operatorRoute('Discard dead letters (marked, never deleted), with a reason', discarding),
    async (request) => discard(pool, actorOf(request), targetOf(request.body), request.body.reason),
  );
}

function registerBatches(app: OpsApp, pool: Pool): void {
  const progressOf = async (batchId: string) => {
    const progress = await batchProgress(pool, batchId);
    const task = progress.task === null ? null : taskView(progress.task);
    return { ...progress, redrives: progress.redrives.map(redriveView), task };
  };
  const listing = { querystring: batchesQuery, response: { 200: batchList, ...problems } };
  app.get(
    '/api/v1/ops/redrives',
    operatorRoute('The newest redrive tasks, with their progress', listing),
    async (request) => ({ items: (await listBatches(pool, request.query.limit)).map(taskView) }),
  );
  const batch = { params: batchParams, response: { 200: batchView, ...problems } };
  app.get('/api/v1/ops/redrives/:batchId', operatorRoute("A redrive request's progress", batch), (request) =>
    progressOf(request.params.batchId),
  );
  app.post(
    '/api/v1/ops/redrives/:batchId/cancel',
    operatorRoute('Cancel what of a redrive request is still pending', { ...batch, body: cancelBody }),
    async (request) => {
      await cancelBatch(pool, actorOf(request), request.params.batchId, request.body.reason);
      return progressOf(request.params.batchId);
    },
  );
}

function registerAudit(app: OpsApp, pool: Pool): void {
  const audit = { querystring: auditQuery, response: { 200: auditPage, ...problems } };
  app.get('/api/v1/ops/audit', operatorRoute('The audit log, newest first', audit), async (request) => {
    const { limit, before, from, to, ...filter } = request.query;
    const dates = { from: dateOf(from), to: dateOf(to) };
    const rows = await listAudit(pool, { ...filter, ...dates }, { limit, beforeId: before });
    return { items: rows.map(auditView) };
  });
}

/** A filter as the API takes it: times as ISO text. */
type FilterInput = Omit<DeadLetterFilter, 'failedFrom' | 'failedTo'> & {
  failedFrom?: string | undefined;
  failedTo?: string | undefined;
};

function filterOf(query: FilterInput): DeadLetterFilter {
  const { group, service, topic, code, status } = query;
  const range = { failedFrom: dateOf(query.failedFrom), failedTo: dateOf(query.failedTo) };
  return { group, service, topic, code, status, ...range };
}

function targetOf(body: {
  ids?: string[] | undefined;
  filter?: FilterInput | undefined;
  expectedCount?: number | undefined;
  dryRun: boolean;
}): Target {
  const filter = filterOf(body.filter ?? {});
  const selection =
    body.ids !== undefined ? { ids: body.ids } : { filter: { ...filter, status: filter.status ?? ['open'] } };
  return { selection, expectedCount: body.expectedCount, dryRun: body.dryRun };
}

function taskView(task: BatchRow) {
  const { batchId, requestedBy, reason, selection, total, ratePerSecond, counts } = task;
  const requestedAt = task.requestedAt.toISOString();
  return {
    batchId,
    requestedBy,
    requestedAt,
    reason,
    selection,
    total,
    ratePerSecond,
    counts,
    done: counts.pending === 0,
  };
}

function cursor(text: string | undefined) {
  const decoded = decodeCursor(text);
  if (decoded === 'invalid') throw malformedRequest('after/before must be a cursor this API returned');
  return decoded;
}

function dateOf(text: string | undefined): Date | undefined {
  return text === undefined ? undefined : new Date(text);
}
