-- Customer emails: what the order events are joined with, and the emails themselves, queued in the
-- event's transaction and sent later by the sender loop.
-- Reworded since it was applied (comments only):
-- applied earlier as 8a11d2e706ba3ffc2d7acf9895677eed47d7519bb5009b4708ea90639aa11356

-- The charge of an order (PaymentSucceeded on microshop.payments): the amount the APPROVED email names.
CREATE TABLE order_charges (
  order_id uuid PRIMARY KEY,
  payment_id text NOT NULL,
  amount bigint NOT NULL CHECK (amount >= 0),
  currency text NOT NULL,
  event_id text NOT NULL
);

-- Refunds (PaymentRefunded), one row per refund id, so a refund seen twice counts once.
CREATE TABLE order_refunds (
  refund_id text PRIMARY KEY,
  order_id uuid NOT NULL,
  amount bigint NOT NULL CHECK (amount >= 0),
  currency text NOT NULL,
  event_id text NOT NULL
);
CREATE INDEX order_refunds_order ON order_refunds (order_id);

-- The dispatch of an order (ShipmentDispatched on microshop.shipments): what the SHIPPED email names.
CREATE TABLE order_shipments (
  order_id uuid PRIMARY KEY,
  shipment_id text NOT NULL,
  tracking_number text NOT NULL,
  carrier text NOT NULL,
  event_id text NOT NULL
);

-- One email per (order, order status), whatever number of events announce that status: the primary
-- key is what makes "at most once per order and status" hold. state PENDING → SENT; a failed attempt
-- keeps it PENDING with attempts and next_attempt_at pushed back.
CREATE TABLE emails (
  order_id uuid NOT NULL,
  order_status text NOT NULL
    CHECK (order_status IN ('APPROVED', 'SHIPPED', 'DELIVERED', 'FAILED', 'CANCELLED')),
  customer_id uuid NOT NULL,
  recipient text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  -- <{orderId}.{status}@microshop>: the same for every send of this email, so a receiver can drop
  -- the copy sent again after a crash between the SMTP server's accept and the SENT mark.
  message_id text NOT NULL UNIQUE,
  -- The order event that queued it.
  event_id text NOT NULL,
  state text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'SENT')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  PRIMARY KEY (order_id, order_status)
);
-- The sender loop's claim: due PENDING emails, oldest due first.
CREATE INDEX emails_due ON emails (next_attempt_at) WHERE state = 'PENDING';
