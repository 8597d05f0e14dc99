-- Orders parked while a reference they name is not copied yet (see README: "Parking"). An order
-- whose customer or skus are unknown is not retried on its partition (that blocked every order
-- behind it): it waits here, and gets its verdict when the copy it waits for arrives (the reference
-- consumer, in the copy's transaction) or when its deadline passes (the deadline loop: FAIL).
CREATE TABLE pending_checks (
  order_id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  -- The order as the OrderCreated event carried it: the rules run on it again later.
  order_json jsonb NOT NULL,
  -- The event that announced the order: the verdict's event_id in order_checks.
  event_id text NOT NULL,
  -- What the copies did not know when last looked at.
  missing_customer boolean NOT NULL,
  missing_skus text[] NOT NULL,
  -- order.createdAt + REFERENCE_GRACE_MS: past it, anything still unknown fails the order.
  deadline_at timestamptz NOT NULL,
  parked_at timestamptz NOT NULL DEFAULT now(),
  CHECK (missing_customer OR cardinality(missing_skus) > 0)
);

-- A customer's arrival finds the orders waiting for it.
CREATE INDEX pending_checks_missing_customer ON pending_checks (customer_id) WHERE missing_customer;
-- A sku's arrival finds the orders waiting for it (missing_skus @> ARRAY[sku]).
CREATE INDEX pending_checks_missing_skus ON pending_checks USING gin (missing_skus);
-- The deadline loop takes the oldest overdue first.
CREATE INDEX pending_checks_deadline ON pending_checks (deadline_at);
