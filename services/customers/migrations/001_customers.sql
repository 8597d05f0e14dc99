-- The customers service's tables (schema customers). Every change of a customer commits together
-- with its CustomerRegistered/CustomerUpdated outbox row; the outbox and inbox tables come from the
-- platform's single definition (migrate's prelude).

CREATE TABLE customers (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL,
  level text NOT NULL CHECK (level IN ('bronze', 'silver', 'gold', 'platinum')),
  created_at timestamptz NOT NULL,
  -- Strictly increasing per customer (src/domain/customer.ts): readers of the compacted topic keep
  -- a copy and replace it only with a newer one.
  updated_at timestamptz NOT NULL
);
-- Emails are unique whatever their case: Ann@Example.com and ann@example.com are one mailbox.
CREATE UNIQUE INDEX customers_email_unique ON customers (lower(email));

-- One row per Idempotency-Key of POST /api/v1/customers, claimed in the customer's own transaction,
-- so two concurrent requests with one key register one customer.
CREATE TABLE idempotency_keys (
  key text PRIMARY KEY,
  fingerprint text NOT NULL,
  customer_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
