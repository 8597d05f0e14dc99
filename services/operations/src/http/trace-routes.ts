import { timingSafeEqual } from 'node:crypto';
import { AppError, notFound, type Pool, unauthenticated } from '@microshop/platform';
import type { FastifyRequest } from 'fastify';
import { type ExportTraceRequest, type SpanRecord, spansOfExport } from '../domain/spans.ts';
import { insertSpans, spansOfTrace, traceOfOrder } from '../store/spans.ts';
import { operatorRoute, problems } from './operator-route.ts';
import type { OpsApp } from './routes.ts';
import {
  exportTraceRequest,
  exportTraceResponse,
  orderIdParams,
  traceIdParams,
  traceView,
} from './trace-schemas.ts';

/**
 * The stack's own trace store (docs/operations.md, "Traces and metrics"):
 *   POST /v1/traces                        OTLP/HTTP JSON receiver; the stack's processes only
 *   GET  /api/v1/ops/traces/{traceId}      one trace's spans, operators only
 *   GET  /api/v1/ops/orders/{orderId}/trace the trace an order was placed in, operators only
 *
 * The receiver is no API of the shop: the gateway does not route it, and it accepts spans only with
 * the stack's ingest key (`x-trace-ingest-key`, generated per stack and handed to its processes
 * alone, see docs/security.md). Without a key configured it accepts nothing.
 */

export const traceIngestHeader = 'x-trace-ingest-key';

export interface TraceDeps {
  pool: Pool;
  ingestKey: string | undefined;
}

export function registerTraceRoutes(app: OpsApp, deps: TraceDeps): void {
  registerReceiver(app, deps);
  registerReads(app, deps.pool);
}

function registerReceiver(app: OpsApp, { pool, ingestKey }: TraceDeps): void {
  app.post(
    '/v1/traces',
    {
      // Public to the kit's token check: the ingest key is checked below instead.
      schema: {
        'x-access': 'public' as const,
        hide: true,
        body: exportTraceRequest,
        response: { 200: exportTraceResponse, ...problems },
      },
      bodyLimit: 16 * 1024 * 1024,
    },
    async (request) => {
      assertIngestKey(request, ingestKey);
      await insertSpans(pool, spansOfExport(request.body as ExportTraceRequest));
      return { partialSuccess: {} };
    },
  );
}

function registerReads(app: OpsApp, pool: Pool): void {
  const byTrace = { params: traceIdParams, response: { 200: traceView, ...problems } };
  app.get(
    '/api/v1/ops/traces/:traceId',
    operatorRoute('The stored spans of one trace, earliest first', byTrace),
    async (request) => viewOf(request.params.traceId, await spansOfTrace(pool, request.params.traceId)),
  );

  const byOrder = { params: orderIdParams, response: { 200: traceView, ...problems } };
  app.get(
    '/api/v1/ops/orders/:orderId/trace',
    operatorRoute('The trace an order was placed in: its spans in every service, earliest first', byOrder),
    async (request) => {
      const traceId = await traceOfOrder(pool, request.params.orderId);
      if (traceId === null) throw notFound('trace of order', request.params.orderId);
      return viewOf(traceId, await spansOfTrace(pool, traceId));
    },
  );
}

function viewOf(traceId: string, spans: SpanRecord[]) {
  if (spans.length === 0) throw notFound('trace', traceId);
  return { traceId, services: [...new Set(spans.map((span) => span.service))].sort(), spans };
}

function assertIngestKey(request: FastifyRequest, expected: string | undefined): void {
  const given = request.headers[traceIngestHeader];
  if (expected === undefined || typeof given !== 'string') {
    throw unauthenticated(`spans are accepted only with the stack's ${traceIngestHeader}`);
  }
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError('FORBIDDEN', 'wrong ingest key');
}
