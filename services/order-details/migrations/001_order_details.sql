-- The order-details service's copies of the customers and the catalog, and its verdicts (schema
-- order_details). The copies are filled from the compacted topics microshop.customers and
-- microshop.products; the outbox and inbox tables come from the platform (migrate's prelude).

-- Which customers exist. Only the id: the check needs nothing more, and personal data (name, email)
-- stays with the services that use it.
CREATE TABLE customers (
  customer_id uuid PRIMARY KEY,
  -- The customer's own updatedAt: an event older than this changes nothing (replays, reordering).
  updated_at timestamptz NOT NULL,
  event_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- The catalog's prices. Stock is the inventory service's business and is not copied.
CREATE TABLE products (
  sku text PRIMARY KEY,
  unit_price bigint NOT NULL CHECK (unit_price >= 0),
  currency text NOT NULL,
  updated_at timestamptz NOT NULL,
  event_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- One verdict per order, whatever event id announced it: a second announcement sends nothing.
CREATE TABLE order_checks (
  order_id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  result text NOT NULL CHECK (result IN ('PASS', 'FAIL')),
  reason text,
  event_id text NOT NULL,
  checked_at timestamptz NOT NULL DEFAULT now()
);
