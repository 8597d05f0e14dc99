import { z } from 'zod';

export const traceIdParams = z.object({ traceId: z.string().regex(/^[0-9a-f]{32}$/) });
export const orderIdParams = z.object({ orderId: z.string().min(1).max(200) });

const span = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  name: z.string(),
  kind: z.number().int(),
  service: z.string(),
  instance: z.string().nullable(),
  orderId: z.string().nullable(),
  startUnixNano: z.string(),
  endUnixNano: z.string(),
  status: z.enum(['unset', 'ok', 'error']),
  attributes: z.record(z.string(), z.unknown()),
  links: z.array(z.object({ traceId: z.string(), spanId: z.string() })),
});

export const traceView = z.object({
  traceId: z.string(),
  /** Every service that made a span of it. */
  services: z.array(z.string()),
  spans: z.array(span),
});

/** OTLP/HTTP JSON's ExportTraceServiceRequest, checked only as far as the store needs it. */
export const exportTraceRequest = z.looseObject({
  resourceSpans: z
    .array(
      z.looseObject({
        resource: z.looseObject({ attributes: z.array(z.any()).optional() }).optional(),
        scopeSpans: z
          .array(
            z.looseObject({
              spans: z
                .array(
                  z.looseObject({
                    traceId: z.string().regex(/^[0-9a-f]{32}$/),
                    spanId: z.string().regex(/^[0-9a-f]{16}$/),
                    parentSpanId: z.string().optional(),
                    name: z.string(),
                    kind: z.number().int().optional(),
                    startTimeUnixNano: z.union([z.string(), z.number()]),
                    endTimeUnixNano: z.union([z.string(), z.number()]),
                    attributes: z.array(z.any()).optional(),
                    links: z.array(z.looseObject({ traceId: z.string(), spanId: z.string() })).optional(),
                    status: z.looseObject({ code: z.number().int().optional() }).optional(),
                  }),
                )
                .optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

export const exportTraceResponse = z.object({ partialSuccess: z.object({}) });
