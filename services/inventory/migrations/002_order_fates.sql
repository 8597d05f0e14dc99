-- Every order's fate as inventory last saw it (APPROVED or later: commit; FAILED, CANCELLED: release),
-- recorded by a consumer group of its own (inventory-order-fates), so it is known even when the event
-- that should have settled a reservation never did (dead-lettered). The reaper (src/tasks/reaper.ts)
-- settles what is left; rows are pruned after the inbox's window (the kit's retention task).
CREATE TABLE order_fates (
  order_id uuid PRIMARY KEY,
  settlement text NOT NULL CHECK (settlement IN ('commit', 'release')),
  status text NOT NULL,
  event_id text NOT NULL,
  seen_at timestamptz NOT NULL
);
CREATE INDEX order_fates_seen ON order_fates (seen_at);
-- The reservations still RESERVED: what the reaper and its report look at.
CREATE INDEX reservations_reserved ON reservations (created_at) WHERE state = 'RESERVED';
