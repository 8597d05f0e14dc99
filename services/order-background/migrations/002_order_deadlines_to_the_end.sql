-- Every order ends: the watchdog also guards APPROVED (no shipment booked in time: the order is
-- cancelled, which compensates) and SHIPPED (no delivery reported in time: the order is flagged to
-- operators, since the parcel is with the carrier and nothing here can end it).
ALTER TABLE order_deadlines DROP CONSTRAINT order_deadlines_status_check;
ALTER TABLE order_deadlines ADD CONSTRAINT order_deadlines_status_check
  CHECK (status IN ('CREATED', 'VALIDATED', 'APPROVED', 'SHIPPED'));

-- The operators' attention list: orders that stayed in a status past its deadline where no command
-- can end them. One row per order; resolved when the order ends (e.g. the delivery is reported late).
CREATE TABLE order_attention (
  order_id uuid PRIMARY KEY,
  status text NOT NULL,
  reason text NOT NULL,
  detail text NOT NULL,
  -- When the order entered `status`.
  since timestamptz NOT NULL,
  flagged_at timestamptz NOT NULL,
  resolved_at timestamptz,
  -- The status that resolved it.
  resolved_by text
);
CREATE INDEX order_attention_open ON order_attention (flagged_at) WHERE resolved_at IS NULL;
-- Sent deadlines are pruned after the inbox's window (the kit's retention task).
CREATE INDEX order_deadlines_sent ON order_deadlines (expiry_sent_at) WHERE expiry_sent_at IS NOT NULL;
