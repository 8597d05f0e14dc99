import { malformedRequest, notFound, type Pool, problemDetailsSchema } from '@microshop/platform';
import type { FastifyRequest } from 'fastify';
import { type Actor, discard, requestRedrive, type Target } from '../handlers/dead-letter-actions.ts';
import { batchProgress, cancelBatch } from '../handlers/redrive-batches.ts';
import { listAudit } from '../store/audit.ts';
import { countDeadLetters, listDeadLetters } from '../store/dead-letter-reads.ts';
import { type DeadLetterFilter, findDeadLetter } from '../store/dead-letters.ts';
import { redrivesOf } from '../store/redrives.ts';
import type { OpsApp } from './routes.ts';
import {
  actionAnswer,
  auditPage,
  auditQuery,
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
 *   POST /api/v1/ops/dead-letters/redrive            by ids or filter, confirmed count, dry run
 *   POST /api/v1/ops/dead-letters/discard            the same, with a required reason
 *   GET  /api/v1/ops/redrives/{batchId}              a redrive request's progress
 *   POST /api/v1/ops/redrives/{batchId}/cancel       cancels what of it is still pending
 *   GET  /api/v1/ops/audit                           the audit log, filtered, newest first
 */
export function registerDeadLetterRoutes(app: OpsApp, pool: Pool): void {
  const operator = 'operator' as const;
  const problems = { 400: problemDetailsSchema, 404: problemDetailsSchema, 409: problemDetailsSchema };

  app.get(
    '/api/v1/ops/dead-letters',
    {
      schema: {
        'x-access': operator,
        summary: 'Dead letters, newest failure first',
        querystring: listQuery,
        response: { 200: deadLetterPage, ...problems },
      },
    },
    async (request) => {
      const { limit, after, before, ...filter } = request.query;
      const page = await listDeadLetters(pool, filterOf(filter), {
        limit,
        after: cursor(after),
        before: cursor(before),
      });
      return {
        items: page.rows.map(summaryView),
        total: page.total,
        next: encodeCursor(page.next),
        prev: encodeCursor(page.prev),
      };
    },
  );

  app.get(
    '/api/v1/ops/dead-letters/summary',
    {
      schema: {
        'x-access': operator,
        summary: 'Dead letters counted per group, topic, error code and status',
        querystring: listQuery.omit({ limit: true, after: true, before: true }),
        response: { 200: deadLetterCounts, ...problems },
      },
    },
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

  app.get(
    '/api/v1/ops/dead-letters/:id',
    {
      schema: {
        'x-access': operator,
        summary: 'One dead letter: the record, its failure, redrives and audit',
        params: idParams,
        response: { 200: deadLetterDetail, ...problems },
      },
    },
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

  app.post(
    '/api/v1/ops/dead-letters/redrive',
    {
      schema: {
        'x-access': operator,
        summary: 'Redrive dead letters to their origin topic, addressed to the group that failed',
        body: redriveBody,
        response: { 200: actionAnswer, 202: actionAnswer, ...problems },
      },
    },
    async (request, reply) => {
      const answer = await requestRedrive(
        pool,
        actorOf(request),
        targetOf(request.body),
        request.body.reason,
      );
      return reply.status(answer.dryRun ? 200 : 202).send(answer);
    },
  );

  app.post(
    '/api/v1/ops/dead-letters/discard',
    {
      schema: {
        'x-access': operator,
        summary: 'Discard dead letters (marked, never deleted), with a reason',
        body: discardBody,
        response: { 200: actionAnswer, ...problems },
      },
    },
    async (request) => discard(pool, actorOf(request), targetOf(request.body), request.body.reason),
  );

  app.get(
    '/api/v1/ops/redrives/:batchId',
    {
      schema: {
        'x-access': operator,
        summary: "A redrive request's progress",
        params: batchParams,
        response: { 200: batchView, ...problems },
      },
    },
    async (request) => {
      const progress = await batchProgress(pool, request.params.batchId);
      return { ...progress, redrives: progress.redrives.map(redriveView) };
    },
  );

  app.post(
    '/api/v1/ops/redrives/:batchId/cancel',
    {
      schema: {
        'x-access': operator,
        summary: 'Cancel what of a redrive request is still pending',
        params: batchParams,
        body: cancelBody,
        response: { 200: batchView, ...problems },
      },
    },
    async (request) => {
      await cancelBatch(pool, actorOf(request), request.params.batchId, request.body.reason);
      const progress = await batchProgress(pool, request.params.batchId);
      return { ...progress, redrives: progress.redrives.map(redriveView) };
    },
  );

  app.get(
    '/api/v1/ops/audit',
    {
      schema: {
        'x-access': operator,
        summary: 'The audit log, newest first',
        querystring: auditQuery,
        response: { 200: auditPage, ...problems },
      },
    },
    async (request) => {
      const { limit, before, from, to, ...filter } = request.query;
      const rows = await listAudit(
        pool,
        { ...filter, from: dateOf(from), to: dateOf(to) },
        { limit, beforeId: before },
      );
      return { items: rows.map(auditView) };
    },
  );
}

/** Who acts: the verified caller; 'anonymous' only where access control is off (tests without an issuer). */
export function actorOf(request: FastifyRequest): Actor {
  return { actor: request.principal?.subject ?? 'anonymous', requestId: request.id };
}

function filterOf(query: {
  group?: string | undefined;
  service?: string | undefined;
  topic?: string | undefined;
  code?: string | undefined;
  status?: DeadLetterFilter['status'];
}): DeadLetterFilter {
  return {
    group: query.group,
    service: query.service,
    topic: query.topic,
    code: query.code,
    status: query.status,
  };
}

function targetOf(body: {
  ids?: string[] | undefined;
  filter?: DeadLetterFilter | undefined;
  expectedCount?: number | undefined;
  dryRun: boolean;
}): Target {
  const selection =
    body.ids !== undefined ? { ids: body.ids } : { filter: { status: ['open' as const], ...body.filter } };
  return { selection, expectedCount: body.expectedCount, dryRun: body.dryRun };
}

function cursor(text: string | undefined) {
  const decoded = decodeCursor(text);
  if (decoded === 'invalid') throw malformedRequest('after/before must be a cursor this API returned');
  return decoded;
}

function dateOf(text: string | undefined): Date | undefined {
  return text === undefined ? undefined : new Date(text);
}
