-- The order-background service's read models and watchdog state (schema order_background).
-- Every row is derived from the orders service's status events (topic microshop.order-outbox);
-- the outbox and inbox tables come from the platform's single definition (migrate's prelude).

-- The latest snapshot of every order: the customer order history.
-- status_rank orders the statuses along the status machine, so a replayed older event can be told
-- from a newer one without trusting clocks (see src/domain/status.ts).
CREATE TABLE order_snapshots (
  order_id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  status text NOT NULL,
  status_rank smallint NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  snapshot jsonb NOT NULL
);
-- GET /api/v1/customers/{id}/orders: newest first.
CREATE INDEX order_snapshots_by_customer ON order_snapshots (customer_id, created_at DESC, order_id DESC);

-- One row per status an order has reached: its timeline. A status is reached at most once.
CREATE TABLE order_timeline (
  order_id uuid NOT NULL,
  status text NOT NULL,
  status_rank smallint NOT NULL,
  at timestamptz NOT NULL,
  reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
  event_id text NOT NULL,
  PRIMARY KEY (order_id, status)
);

-- The watchdog's deadlines: one row per (order, expirable status) the order entered. A row whose
-- expiry was sent stays as the record that it was sent (and so is never sent twice); a pending row
-- is deleted when the order moves on.
CREATE TABLE order_deadlines (
  order_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('CREATED', 'VALIDATED')),
  entered_at timestamptz NOT NULL,
  expiry_sent_at timestamptz,
  expiry_command_id uuid,
  PRIMARY KEY (order_id, status)
);
CREATE INDEX order_deadlines_pending ON order_deadlines (entered_at) WHERE expiry_sent_at IS NULL;
