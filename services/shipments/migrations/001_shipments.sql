-- The shipments service's state (schema shipments): one shipment per approved order, booked with
-- the carrier and followed to delivery; the outbox and inbox tables come from the platform's single
-- definition (migrate's prelude).

-- BOOKING is written before the carrier is called (outside any transaction), so a crash between
-- the booking and its record leaves a row that says "ask the carrier again with the same key".
-- The carrier's ids arrive with DISPATCHED.
CREATE TABLE shipments (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL UNIQUE,
  status text NOT NULL CHECK (status IN ('BOOKING', 'DISPATCHED', 'DELIVERED', 'CANCELLED')),
  carrier text NOT NULL,
  carrier_shipment_id text UNIQUE,
  tracking_number text,
  -- What was (or is being) booked: a retried booking sends exactly the same parcels.
  parcels jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  dispatched_at timestamptz,
  delivered_at timestamptz,
  cancelled_at timestamptz,
  CHECK (status NOT IN ('DISPATCHED', 'DELIVERED') OR (carrier_shipment_id IS NOT NULL AND tracking_number IS NOT NULL))
);

-- Orders seen cancelled: an OrderApproved that arrives later (a replay) books nothing.
CREATE TABLE cancelled_orders (
  order_id uuid PRIMARY KEY,
  event_id text NOT NULL,
  cancelled_at timestamptz NOT NULL
);
