// OTLP/HTTP JSON (the `ExportTraceServiceRequest` the standard exporters send) turned into the rows of
// the span store. Pure: the receiver route parses, the store writes.
import { traceAttributes } from '@microshop/platform/pure';

/** One stored span. Times are nanoseconds since the epoch, as OTLP sends them. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  service: string;
  instance: string | null;
  orderId: string | null;
  startUnixNano: string;
  endUnixNano: string;
  status: 'unset' | 'ok' | 'error';
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

interface KeyValue {
  key: string;
  value?: AnyValue;
}

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: KeyValue[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number };
}

export interface ExportTraceRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

/** Every span of an export request, attributed to the service that made it. */
export function spansOfExport(request: ExportTraceRequest): SpanRecord[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    const processName = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown';
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => spanRecord(span, processName)),
    );
  });
}

function spanRecord(span: OtlpSpan, processName: string): SpanRecord {
  const attributes = attributesOf(span.attributes);
  const text = (key: string) => (typeof attributes[key] === 'string' ? (attributes[key] as string) : null);
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ? span.parentSpanId : null,
    name: span.name,
    kind: span.kind ?? 0,
    service: text(traceAttributes.service) ?? processName,
    instance: text(traceAttributes.instance),
    orderId: text(traceAttributes.orderId),
    startUnixNano: String(span.startTimeUnixNano),
    endUnixNano: String(span.endTimeUnixNano),
    status: statusOf(span.status?.code),
    attributes,
    links: (span.links ?? []).map((link) => ({ traceId: link.traceId, spanId: link.spanId })),
  };
}

function statusOf(code: number | undefined): SpanRecord['status'] {
  if (code === 1) return 'ok';
  if (code === 2) return 'error';
  return 'unset';
}

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, plainValue(value)]));
}

function plainValue(value: AnyValue | undefined): unknown {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(plainValue);
  if (value.kvlistValue !== undefined) return attributesOf(value.kvlistValue.values);
  return value.bytesValue ?? null;
}
