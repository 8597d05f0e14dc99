-- The notifications service's tables (schema notifications). For now only what dynamic routing
-- needs: its own copy of the customers, kept from the compacted topic microshop.customers. The
-- outbox and inbox tables come from the platform's single definition (migrate's prelude).

-- The latest known state of each customer. A copy is replaced only by a newer one (updated_at
-- grows with every change in the customers service), so a replayed older event never wins.
CREATE TABLE customers (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL,
  level text NOT NULL CHECK (level IN ('bronze', 'silver', 'gold', 'platinum')),
  updated_at timestamptz NOT NULL,
  event_id text NOT NULL
);
