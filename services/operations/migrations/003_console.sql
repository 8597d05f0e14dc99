-- What the operator console reads besides the live Kafka API.

-- Every event about an order on any topic, indexed by the order-flow reader (group
-- operations-order-flow): the console's "order flow" lists them without scanning topics.
CREATE TABLE order_flow (
  topic       text        NOT NULL,
  partition   integer     NOT NULL,
  "offset"    bigint      NOT NULL,
  order_id    uuid        NOT NULL,
  at          timestamptz NOT NULL,
  type        text,
  service     text,
  trace_id    text,
  event_id    text,
  redrive_id  text,
  PRIMARY KEY (topic, partition, "offset")
);
CREATE INDEX order_flow_by_order ON order_flow (order_id, at);

-- Consumer-group lag, one row per group, topic and partition at each sample: the lag-over-time
-- chart. Pruned after a day.
CREATE TABLE consumer_lag_samples (
  at          timestamptz NOT NULL,
  group_id    text        NOT NULL,
  topic       text        NOT NULL,
  partition   integer     NOT NULL,
  lag         bigint      NOT NULL,
  PRIMARY KEY (group_id, topic, partition, at)
);
CREATE INDEX consumer_lag_samples_at ON consumer_lag_samples (at);
