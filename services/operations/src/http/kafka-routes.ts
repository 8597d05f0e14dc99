import type { HttpApp } from '@microshop/platform';
import { AppError, type Pool } from '@microshop/platform';
import { z } from 'zod';
import type { KafkaBrowser } from '../clients/kafka-browser.ts';
import type { GroupAdmin } from '../clients/kafka-groups.ts';
import { maxExpressionLength } from '../domain/expression-parse.ts';
import { parseCursor } from '../domain/topic-page.ts';
import { orderFlow } from '../handlers/order-flow.ts';
import { browsePage, type Seek } from '../handlers/topic-browse.ts';
import { summarizeTopics } from '../handlers/topic-summaries.ts';
import { openDeadLettersOfOrder } from '../store/dead-letter-reads.ts';
import { lagHistory } from '../store/lag-samples.ts';
import type { Sample } from '../tasks/sampler.ts';
import { answer, existing, expressionIn, topicName } from './kafka-shared.ts';
import { registerKafkaToolRoutes } from './kafka-tool-routes.ts';
import { operatorRoute } from './operator-route.ts';
import { scanRegistry } from './scans.ts';

// Kafka for the console, through this service only (the browser never reaches Kafka): topics with
// partitions, offsets and config; a page of records by cursor, offset or time with server-side
// filters (an expression among them) and a scan budget, cancellable; a group's lag over time; an
// order's events on every topic. Offset resets, saved filters and single records: kafka-tool-routes.ts.

export interface KafkaRouteDeps {
  pool: Pool;
  kafka: KafkaBrowser;
  /** The sampler's latest consumer-group lag (the topic list's lag column). */
  sample: () => Promise<Sample>;
  /** The offset reset's view of groups; without it, no reset route. */
  groups?: GroupAdmin | undefined;
}

const topicParams = z.object({ topic: topicName });

const messagesQuery = z.object({
  cursor: z
    .string()
    .max(20_000)
    .optional()
    .describe('Per-partition offsets `p:offset,…`: read forward from there'),
  seek: z.enum(['oldest', 'newest', 'offset', 'time']).optional(),
  offset: z.coerce.bigint().nonnegative().optional().describe('With seek=offset'),
  time: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('With seek=time: the first records at or after it'),
  until: z.iso.datetime({ offset: true }).optional().describe('Records up to this time only'),
  partition: z.coerce.number().int().min(0).max(100_000).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  key: z.string().max(500).optional(),
  header: z.string().max(500).optional().describe('`name` or `name=value`'),
  field: z.string().max(500).optional().describe('`path.to.field=value` on the JSON value'),
  type: z.string().max(200).optional().describe("Event type (the value's `type` or the `type` header)"),
  expr: z
    .string()
    .max(maxExpressionLength)
    .optional()
    .describe('A filter expression: `value.type == "OrderCreated" and not headers.source contains "test"`'),
  budgetRecords: z.coerce.number().int().min(100).max(1_000_000).default(100_000),
  budgetMs: z.coerce.number().int().min(100).max(30_000).default(3_000),
});

export function registerKafkaRoutes(app: HttpApp, deps: KafkaRouteDeps): void {
  app.get(
    '/api/v1/ops/kafka/topics',
    operatorRoute('Every topic: partitions, replicas, offsets, size, retention, its groups’ lag', {
      response: answer,
    }),
    async () => {
      const sample = await deps.sample();
      return {
        sampledAt: sample.at.toISOString(),
        topics: await summarizeTopics(deps.kafka, sample.consumerGroups, new Date()),
      };
    },
  );

  app.get(
    '/api/v1/ops/kafka/topics/:topic',
    operatorRoute('One topic: each partition with leader, replicas, start and end offsets; its config', {
      params: topicParams,
      response: answer,
    }),
    async (request) => {
      const info = await existing(deps.kafka, request.params.topic);
      const sizes = (await deps.kafka.sizes([info.name])).get(info.name);
      const size = (p: number) => sizes?.get(p);
      return {
        ...info,
        sizeBytes: sizes === undefined ? null : String([...sizes.values()].reduce((sum, s) => sum + s, 0n)),
        partitions: info.partitions.map((p) => ({
          ...p,
          start: String(p.start),
          end: String(p.end),
          sizeBytes: size(p.partition) === undefined ? null : String(size(p.partition)),
        })),
      };
    },
  );

  const scans = scanRegistry();
  app.get(
    '/api/v1/ops/kafka/topics/:topic/messages',
    operatorRoute(
      'A page of records, read forward from a cursor or a seek, filtered on the server within a budget',
      {
        params: topicParams,
        querystring: messagesQuery,
        response: answer,
      },
    ),
    async (request, reply) => {
      const q = request.query;
      const expression = q.expr?.trim() ? expressionIn(q.expr, 'expr') : undefined;
      const seek = seekOf(q);
      // One scan per operator at a time (a second one is a 429); it stops when cancelled or when the
      // caller goes away (the gateway aborts its upstream request when the browser does).
      return scans.run(request.principal?.subject ?? 'anonymous', reply, async (signal) => {
        await existing(deps.kafka, request.params.topic);
        return browsePage(deps.kafka, {
          topic: request.params.topic,
          seek,
          ...(q.partition === undefined ? {} : { partition: q.partition }),
          limit: q.limit,
          filter: {
            key: q.key,
            header: q.header,
            field: q.field,
            type: q.type,
            ...(expression ? { expression } : {}),
          },
          ...(q.until === undefined ? {} : { until: BigInt(Date.parse(q.until)) }),
          budget: { records: q.budgetRecords, ms: q.budgetMs },
          signal,
        });
      });
    },
  );

  app.delete(
    '/api/v1/ops/kafka/scans/mine',
    operatorRoute("Cancels the caller's running scan, if any", { response: answer }),
    async (request) => ({ cancelled: scans.cancel(request.principal?.subject ?? 'anonymous') }),
  );

  registerKafkaToolRoutes(app, deps);

  app.get(
    '/api/v1/ops/consumer-groups/:group/lag-history',
    operatorRoute("A group's total lag at each sample (every SAMPLE_INTERVAL_MS), oldest first", {
      params: z.object({ group: z.string().min(1).max(249) }),
      querystring: z.object({ minutes: z.coerce.number().int().min(1).max(1440).default(30) }),
      response: answer,
    }),
    async (request) => ({
      group: request.params.group,
      points: await lagHistory(deps.pool, request.params.group, request.query.minutes),
    }),
  );

  app.get(
    '/api/v1/ops/order-flow/:orderId',
    operatorRoute("An order's events on every topic (from the order-flow index) and its dead letters", {
      params: z.object({ orderId: z.guid() }),
      response: answer,
    }),
    async (request) => ({
      orderId: request.params.orderId,
      events: await orderFlow(deps.pool, request.params.orderId),
      deadLetters: await openDeadLettersOfOrder(deps.pool, request.params.orderId),
    }),
  );
}

function seekOf(q: z.infer<typeof messagesQuery>): Seek {
  if (q.cursor !== undefined) {
    const cursor = parseCursor(q.cursor);
    if (cursor === null)
      throw new AppError('VALIDATION_FAILED', 'cursor must be p:offset,…', {
        fields: [
          { field: 'cursor', rule: 'format', message: 'must be partition:offset pairs separated by commas' },
        ],
      });
    return { kind: 'cursor', cursor };
  }
  switch (q.seek) {
    case 'offset':
      return { kind: 'offset', offset: q.offset ?? 0n };
    case 'time':
      if (q.time === undefined)
        throw new AppError('VALIDATION_FAILED', 'seek=time needs time', {
          fields: [{ field: 'time', rule: 'required', message: 'a time is required to seek by time' }],
        });
      return { kind: 'time', timestamp: BigInt(Date.parse(q.time)) };
    case 'newest':
      return { kind: 'newest' };
    case 'oldest':
      return { kind: 'oldest' };
    default:
      // Nothing is read before the operator asks for a place to start.
      throw new AppError(
        'VALIDATION_FAILED',
        'say where to start: cursor, or seek=oldest|newest|offset|time',
        {
          fields: [{ field: 'seek', rule: 'required', message: 'choose where to start reading' }],
        },
      );
  }
}
