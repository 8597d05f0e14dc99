import { conflict, type HttpApp, notFound } from '@microshop/platform';
import type { BrowsedRecord } from '../domain/topic-page.ts';
import { resetOffsets } from '../handlers/offset-reset.ts';
import { viewOf } from '../handlers/record-view.ts';
import { appendAudit } from '../store/audit.ts';
import { deleteFilter, listSavedFilters, saveFilter } from '../store/saved-filters.ts';
import type { KafkaRouteDeps } from './kafka-routes.ts';
import { answer, existing, expressionIn } from './kafka-shared.ts';
import {
  filterBody,
  filterIdParams,
  groupParams,
  rawQuery,
  recordParams,
  recordQuery,
  resetBody,
  targetOf,
} from './kafka-tool-schemas.ts';
import { actorOf, operatorRoute } from './operator-route.ts';

// The console's Kafka tools, operators only: a group's offset reset (dry run first; the real one
// audited), the message browser's saved filters (shared and personal), and one record — shown with
// its e-mail addresses revealed, or downloaded as raw bytes — each of those two audited.

export function registerKafkaToolRoutes(app: HttpApp, deps: KafkaRouteDeps): void {
  registerReset(app, deps);
  registerFilters(app, deps);
  registerRecord(app, deps);
}

function registerReset(app: HttpApp, deps: KafkaRouteDeps): void {
  const groups = deps.groups;
  if (groups === undefined) return;
  app.post(
    '/api/v1/ops/consumer-groups/:group/offsets/reset',
    operatorRoute(
      "Resets an empty group's offsets on a topic: earliest, latest, a time, or offsets per partition; dryRun first",
      { params: groupParams, body: resetBody, response: answer },
    ),
    async (request) => {
      const body = request.body;
      await existing(deps.kafka, body.topic);
      const reset = await resetOffsets(
        { pool: deps.pool, kafka: deps.kafka, groups },
        {
          group: request.params.group,
          topic: body.topic,
          target: targetOf(body),
          dryRun: body.dryRun,
          reason: body.reason,
        },
        actorOf(request),
      );
      return { ...reset };
    },
  );
}

function registerFilters(app: HttpApp, deps: KafkaRouteDeps): void {
  const operator = (request: { principal?: { subject: string } | null }) =>
    request.principal?.subject ?? 'anonymous';
  app.get(
    '/api/v1/ops/kafka/filters',
    operatorRoute("The message browser's saved filters: the shared ones, then the caller's own", {
      response: answer,
    }),
    async (request) => ({ filters: await listSavedFilters(deps.pool, operator(request)) }),
  );
  app.post(
    '/api/v1/ops/kafka/filters',
    operatorRoute('Saves a filter under a name (replacing one of that name the caller made)', {
      body: filterBody,
      response: answer,
    }),
    async (request) => {
      const { name, shared, params } = request.body;
      if (params.expr !== undefined) expressionIn(params.expr, 'params.expr');
      const saved = await saveFilter(deps.pool, { name, shared, params, operator: operator(request) });
      if (saved === null)
        throw conflict(`the shared filter "${name}" is someone else's: choose another name`);
      return { ...saved };
    },
  );
  app.delete(
    '/api/v1/ops/kafka/filters/:filterId',
    operatorRoute('Deletes a filter of the caller’s (a shared one only by whoever made it)', {
      params: filterIdParams,
      response: answer,
    }),
    async (request) => {
      if (!(await deleteFilter(deps.pool, request.params.filterId, operator(request))))
        throw notFound('saved filter of yours', request.params.filterId);
      return { deleted: request.params.filterId };
    },
  );
}

function registerRecord(app: HttpApp, deps: KafkaRouteDeps): void {
  const path = '/api/v1/ops/kafka/topics/:topic/records/:partition/:offset';
  app.get(
    path,
    operatorRoute('One record, its e-mail addresses masked unless reveal=true (audited)', {
      params: recordParams,
      querystring: recordQuery,
      response: answer,
    }),
    async (request) => {
      const record = await recordAt(deps, request.params);
      const reveal = request.query.reveal === 'true';
      if (reveal) await auditRecord(deps, request, 'kafka-record.reveal');
      return { ...viewOf(record, { reveal }) };
    },
  );
  app.get(
    `${path}/raw`,
    operatorRoute("One record's key or value as its raw bytes, a download (audited: nothing is masked)", {
      params: recordParams,
      // Bytes, not JSON: no response schema (a problem is still problem+json).
      querystring: rawQuery,
    }),
    async (request, reply) => {
      const record = await recordAt(deps, request.params);
      await auditRecord(deps, request, `kafka-record.raw-${request.query.part}`);
      const { topic, partition, offset } = request.params;
      const bytes = (request.query.part === 'key' ? record.key : record.value) ?? Buffer.alloc(0);
      return reply
        .type('application/octet-stream')
        .header(
          'content-disposition',
          `attachment; filename="${topic}-${partition}-${offset}.${request.query.part}.bin"`,
        )
        .send(bytes);
    },
  );
}

async function recordAt(
  deps: KafkaRouteDeps,
  at: { topic: string; partition: number; offset: bigint },
): Promise<BrowsedRecord> {
  const info = await existing(deps.kafka, at.topic);
  const bounds = info.partitions[at.partition];
  // Outside the log (never written, or removed by retention) is no record; a fetch there is an error.
  if (bounds === undefined || at.offset < bounds.start || at.offset >= bounds.end)
    throw notFound('record', `${at.topic}/${at.partition}/${at.offset}`);
  const runs = await deps.kafka.fetch(at.topic, new Map([[at.partition, at.offset]]), 1024 * 1024);
  const record = runs.get(at.partition)?.find((r) => r.offset === at.offset);
  if (record === undefined) throw notFound('record', `${at.topic}/${at.partition}/${at.offset}`);
  return record;
}

async function auditRecord(
  deps: KafkaRouteDeps,
  request: Parameters<typeof actorOf>[0] & { params: { topic: string; partition: number; offset: bigint } },
  action: string,
): Promise<void> {
  const { actor, requestId } = actorOf(request);
  const { topic, partition, offset } = request.params;
  await appendAudit(deps.pool, [
    {
      actor,
      action,
      targetType: 'kafka-record',
      targetId: `${topic}/${partition}/${offset}`,
      result: 'ok',
      requestId,
    },
  ]);
}
