import { orderStatusSchema } from '@microshop/contracts';
import { type HttpApp, type Pool, problemDetailsSchema } from '@microshop/platform';
import { z } from 'zod';
import { bucketsOf, funnelOf, type StatsRange, statsRanges, windowOf } from '../domain/order-stats.ts';
import { statusChangesPerBucket, statusesReached, stepLatencies } from '../store/order-stats.ts';

/**
 * GET /api/v1/order-stats?range=15m|1h|24h[&to=ISO] (operators only): the console's order charts,
 * computed here from every order's timeline — status changes per bucket of time, the CREATED →
 * DELIVERED funnel of the orders created in the range, and p50/p95/p99 of each step and of POST →
 * SHIPPED (CREATED is the time the order was taken).
 */

export const orderStatsPath = '/api/v1/order-stats';

const ranges = Object.keys(statsRanges) as [StatsRange, ...StatsRange[]];

const statsQuery = z.object({
  range: z.enum(ranges).default('1h'),
  to: z.iso.datetime({ offset: true }).optional().describe('The end of the range (default: now)'),
});

const ms = z.number().int().nullable();
const orderStats = z
  .object({
    range: z.enum(ranges),
    from: z.string(),
    to: z.string(),
    bucketSeconds: z.number().int(),
    buckets: z.array(
      z.object({
        at: z.string().describe('Start of the bucket'),
        counts: z
          .partialRecord(orderStatusSchema, z.number().int())
          .describe('Orders that entered each status'),
      }),
    ),
    funnel: z.array(z.object({ status: orderStatusSchema, orders: z.number().int() })),
    ended: z.object({ FAILED: z.number().int(), CANCELLED: z.number().int() }),
    latency: z.array(
      z.object({
        from: orderStatusSchema,
        to: orderStatusSchema,
        orders: z.number().int(),
        p50Ms: ms,
        p95Ms: ms,
        p99Ms: ms,
      }),
    ),
  })
  .meta({ id: 'OrderStats' });

export function registerOrderStatsRoute(app: HttpApp, pool: Pool): void {
  app.get(
    orderStatsPath,
    {
      schema: {
        'x-access': 'operator',
        summary: 'Orders per minute by status, the checkout funnel and step latencies over a range',
        description:
          'The funnel and the latencies cover the orders created in the range; the buckets count every ' +
          'status change in it. A 15 m or 1 h range has one bucket a minute, 24 h one a quarter hour.',
        querystring: statsQuery,
        response: { 200: orderStats, 400: problemDetailsSchema },
      },
    },
    async (request) => {
      const { range, to } = request.query;
      const window = windowOf(range, to === undefined ? new Date() : new Date(to));
      const [counted, reached, latency] = await Promise.all([
        statusChangesPerBucket(pool, window),
        statusesReached(pool, window),
        stepLatencies(pool, window),
      ]);
      return {
        range,
        from: window.from.toISOString(),
        to: window.to.toISOString(),
        bucketSeconds: window.bucketSeconds,
        buckets: bucketsOf(window, counted),
        funnel: funnelOf(reached),
        ended: { FAILED: reached.get('FAILED') ?? 0, CANCELLED: reached.get('CANCELLED') ?? 0 },
        latency,
      };
    },
  );
}
