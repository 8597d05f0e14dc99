-- The orders service's own tables (schema `orders`; the migration runner sets search_path).
-- The outbox and inbox tables come from the platform's prelude, not from here.
-- Money is bigint minor units; statuses are checked against the contract's list.

CREATE TABLE orders (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  total bigint NOT NULL CHECK (total >= 0),
  status text NOT NULL CHECK (status IN
    ('CREATED', 'VALIDATED', 'APPROVED', 'SHIPPED', 'DELIVERED', 'FAILED', 'CANCELLED')),
  reasons jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(reasons) = 'array'),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- Bumped on every change: lets a reader tell two states of one order apart cheaply.
  version integer NOT NULL DEFAULT 1
);
-- GET /api/v1/customers/{id}/orders (served elsewhere) and support queries go by customer.
CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC);

CREATE TABLE order_items (
  order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  -- The line's position in the request: order lines keep the order the customer gave them.
  line_no integer NOT NULL CHECK (line_no >= 0),
  sku text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price bigint NOT NULL CHECK (unit_price >= 0),
  PRIMARY KEY (order_id, line_no)
);

-- Every status the order has had, the first (CREATED) included: the blocking GET answers
-- "has the order reached S" from here, so a status passed through before the request still counts.
CREATE TABLE order_status_history (
  order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  status text NOT NULL,
  at timestamptz NOT NULL,
  reasons jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (order_id, seq)
);

-- One row per Idempotency-Key, written in the order's own transaction: the primary key makes two
-- concurrent requests with one key create one order. The order row is inserted after the key, in
-- the same transaction, hence the deferred foreign key.
CREATE TABLE idempotency_keys (
  key text PRIMARY KEY,
  fingerprint text NOT NULL,
  order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  created_at timestamptz NOT NULL DEFAULT now()
);
