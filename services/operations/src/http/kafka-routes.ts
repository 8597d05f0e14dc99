import type { HttpApp } from '@microshop/platform';
import { AppError, type Pool, rateLimited } from '@microshop/platform';
import { z } from 'zod';
import type { KafkaBrowser } from '../clients/kafka-browser.ts';
import { parseCursor } from '../domain/topic-page.ts';
import { orderFlow } from '../handlers/order-flow.ts';
import { browsePage, type Seek } from '../handlers/topic-browse.ts';
import { summarizeTopics } from '../handlers/topic-summaries.ts';
import { openDeadLettersOfOrder } from '../store/dead-letter-reads.ts';
import { lagHistory } from '../store/lag-samples.ts';
import { operatorRoute, problems } from './operator-route.ts';

// Kafka for the console, through this service only (the browser never reaches Kafka): topics with
// partitions, offsets and config; a page of records by cursor, offset or time with server-side
// filters and a scan budget; a group's lag over time; an order's events on every topic.

export interface KafkaRouteDeps {
  pool: Pool;
  kafka: KafkaBrowser;
}

// Answers are described in services/operations/README.md; their fields pass through as built.
const answer = { 200: z.looseObject({}), ...problems };

const topicParams = z.object({ topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/) });

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
  budgetRecords: z.coerce.number().int().min(100).max(1_000_000).default(100_000),
  budgetMs: z.coerce.number().int().min(100).max(30_000).default(3_000),
});

export function registerKafkaRoutes(app: HttpApp, deps: KafkaRouteDeps): void {
  app.get(
    '/api/v1/ops/kafka/topics',
    operatorRoute('Every topic: partitions, replicas, offsets, retention', { response: answer }),
    async () => ({
      topics: await summarizeTopics(deps.kafka),
    }),
  );

  app.get(
    '/api/v1/ops/kafka/topics/:topic',
    operatorRoute('One topic: each partition with leader, replicas, start and end offsets; its config', {
      params: topicParams,
      response: answer,
    }),
    async (request) => {
      const info = await existing(deps.kafka, request.params.topic);
      return {
        ...info,
        partitions: info.partitions.map((p) => ({ ...p, start: String(p.start), end: String(p.end) })),
      };
    },
  );

  const scans = new Set<string>();
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
    async (request) => {
      const q = request.query;
      const who = request.principal?.subject ?? 'anonymous';
      // One scan per operator at a time: a second tab's scan waits for the first, never stacks up.
      if (scans.has(who)) throw rateLimited('a scan of yours is still running; wait for it or cancel it');
      scans.add(who);
      try {
        await existing(deps.kafka, request.params.topic);
        return await browsePage(deps.kafka, {
          topic: request.params.topic,
          seek: seekOf(q),
          ...(q.partition === undefined ? {} : { partition: q.partition }),
          limit: q.limit,
          filter: { key: q.key, header: q.header, field: q.field, type: q.type },
          ...(q.until === undefined ? {} : { until: BigInt(Date.parse(q.until)) }),
          budget: { records: q.budgetRecords, ms: q.budgetMs },
        });
      } finally {
        scans.delete(who);
      }
    },
  );

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

async function existing(kafka: KafkaBrowser, topic: string) {
  try {
    return await kafka.describe(topic);
  } catch {
    throw new AppError('NOT_FOUND', `topic ${topic} not found`);
  }
}
