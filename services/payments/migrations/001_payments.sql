-- The payments service's state (schema payments): what it knows of each order, and every charge
-- and refund it made through the payment provider. The outbox and inbox tables come from the
-- platform's single definition (migrate's prelude).

-- One row per order seen: the payment token from OrderCreated (the only event carrying it), the
-- end of the order once it is cancelled or failed, and when a charge was first sent. That last one
-- is written before the provider is called, outside the event's transaction: if the handler gives
-- up before recording the charge, the order's end still knows to ask the provider for it.
CREATE TABLE payment_orders (
  order_id uuid PRIMARY KEY,
  customer_id uuid,
  token text,
  ended_status text CHECK (ended_status IN ('CANCELLED', 'FAILED')),
  ended_at timestamptz,
  charge_attempted_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- The charge of each order: one per order, because the idempotency key (order-<id>) is one per
-- order. A declined or refused charge is recorded too, with the reason given in PaymentFailed.
CREATE TABLE charges (
  order_id uuid PRIMARY KEY,
  payment_id text UNIQUE,
  outcome text NOT NULL CHECK (outcome IN ('SUCCEEDED', 'FAILED')),
  amount bigint NOT NULL CHECK (amount >= 0),
  currency text NOT NULL,
  reason text,
  idempotency_key text NOT NULL,
  created_at timestamptz NOT NULL,
  CHECK ((outcome = 'SUCCEEDED') = (payment_id IS NOT NULL))
);

-- The refund of a captured charge, when the order was cancelled or failed after capture.
CREATE TABLE refunds (
  order_id uuid PRIMARY KEY REFERENCES charges (order_id),
  refund_id text NOT NULL UNIQUE,
  payment_id text NOT NULL,
  amount bigint NOT NULL CHECK (amount >= 0),
  currency text NOT NULL,
  reason text NOT NULL,
  idempotency_key text NOT NULL,
  created_at timestamptz NOT NULL
);
