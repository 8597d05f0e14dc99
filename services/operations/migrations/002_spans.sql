-- The spans of recent work, as every process of the stack exports them over OTLP/HTTP to this
-- service's receiver (POST /v1/traces), so an operator (and the web console) can follow an order
-- without a tracing backend. Kept for TRACE_RETENTION_HOURS by received_at; a span sent twice (the
-- exporter retries) is stored once.
CREATE TABLE spans (
  trace_id text NOT NULL,
  span_id text NOT NULL,
  parent_span_id text,
  name text NOT NULL,
  -- OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
  kind smallint NOT NULL,
  -- The service that made it (the span's microshop.service, else its process's service.name).
  service text NOT NULL,
  instance text,
  -- The order it acted on, when it names one (microshop.order_id).
  order_id text,
  start_unix_nano bigint NOT NULL,
  end_unix_nano bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('unset', 'ok', 'error')),
  attributes jsonb NOT NULL,
  -- [{ traceId, spanId }]: the spans it is linked to (a batch of several traces, a fan-out).
  links jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX spans_order_id ON spans (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX spans_received_at ON spans USING brin (received_at);
