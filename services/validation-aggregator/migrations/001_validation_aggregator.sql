-- The validation aggregator's state (schema validation_aggregator): the checks' results and the one
-- decision per order. The outbox and inbox tables come from the platform's single definition.

-- One row per (order, check): the first result of a check wins; a repeated or contradicting later
-- result of the same check is never stored (src/domain/aggregation.ts).
CREATE TABLE validation_results (
  order_id uuid NOT NULL,
  check_name text NOT NULL CHECK (check_name IN ('FRAUD', 'INVENTORY', 'ORDER_DETAILS')),
  result text NOT NULL CHECK (result IN ('PASS', 'FAIL')),
  reason text,
  event_id text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (order_id, check_name)
);

-- One decision per order, written in the transaction of its outbox row (OrderValidated or
-- OrderRejected on microshop.order-decisions). The primary key is the last line of defence against
-- a second decision; the per-order lock taken by the handler is the first.
CREATE TABLE validation_decisions (
  order_id uuid PRIMARY KEY,
  outcome text NOT NULL CHECK (outcome IN ('VALIDATED', 'REJECTED')),
  reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
  event_id uuid NOT NULL UNIQUE,
  decided_at timestamptz NOT NULL
);
