-- The fraud service's session windows (schema fraud). Every row is derived from OrderCreated events
-- (topic microshop.order-outbox); the outbox and inbox tables come from the platform's single
-- definition (migrate's prelude).

-- The latest session of each customer in each currency. Its row is the lock that serialises the
-- orders of one customer and currency across instances (SELECT … FOR UPDATE in the handler).
CREATE TABLE current_sessions (
  customer_id uuid NOT NULL,
  currency text NOT NULL,
  started_at timestamptz NOT NULL,
  last_order_at timestamptz NOT NULL,
  -- Minor units; the domain saturates at 2^53 − 1, so the value always fits a JavaScript number.
  total bigint NOT NULL CHECK (total >= 0),
  order_count integer NOT NULL CHECK (order_count > 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, currency)
);

-- Every order counted, once (order_id is the key, whatever event id announced it), with the session
-- it joined and the verdict sent for it. Earlier sessions are read from here.
CREATE TABLE session_orders (
  order_id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  currency text NOT NULL,
  session_started_at timestamptz NOT NULL,
  order_created_at timestamptz NOT NULL,
  amount bigint NOT NULL CHECK (amount >= 0),
  -- The session total including this order: the figure the verdict was based on.
  session_total bigint NOT NULL CHECK (session_total >= 0),
  result text NOT NULL CHECK (result IN ('PASS', 'FAIL')),
  reason text,
  event_id text NOT NULL,
  counted_at timestamptz NOT NULL DEFAULT now()
);
-- GET /api/v1/fraud/customers/{id}/sessions: a customer's sessions, newest first.
CREATE INDEX session_orders_by_session ON session_orders (customer_id, session_started_at DESC, currency);
