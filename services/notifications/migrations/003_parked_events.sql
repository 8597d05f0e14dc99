-- Order events parked while their routing or their email waits for a fact from another topic (the
-- customer, a tracking number, a refund). The consumer no longer retries them on their partition
-- (that held every order event behind them): they wait here, and are taken up again when the fact
-- arrives (in the fact's transaction) or when their wait is over (the parked-events loop). See README.
--
-- One queue per order, in arrival order: an event of an order that has parked events parks behind
-- them ('earlier'), so an order's routed events and emails keep their order.
CREATE TABLE parked_events (
  seq bigserial PRIMARY KEY,
  -- The delivery's event id (the inbox key): the email's event_id.
  event_id text NOT NULL UNIQUE,
  order_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  -- The order event as consumed.
  event jsonb NOT NULL,
  -- Routing done; only the email is left.
  routed boolean NOT NULL,
  awaiting text NOT NULL CHECK (awaiting IN ('customer', 'tracking', 'refund', 'earlier')),
  -- The event's occurredAt + the grace of what it awaits; none behind an earlier event of its order.
  deadline_at timestamptz,
  parked_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((awaiting = 'earlier') = (deadline_at IS NULL))
);

-- An order's queue, in order.
CREATE INDEX parked_events_order ON parked_events (order_id, seq);
-- A customer's arrival finds (and locks) the parked events of its orders.
CREATE INDEX parked_events_customer ON parked_events (customer_id);
-- The loop takes the oldest overdue first.
CREATE INDEX parked_events_deadline ON parked_events (deadline_at) WHERE deadline_at IS NOT NULL;
