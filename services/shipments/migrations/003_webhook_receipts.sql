-- The carrier webhook signatures already accepted, so a recorded callback replayed within the
-- signature's time window is refused. A signature older than the window is refused anyway, so rows
-- are pruned soon after it has passed (src/main.ts).
CREATE TABLE webhook_receipts (
  replay_key text PRIMARY KEY,
  received_at timestamptz NOT NULL
);
CREATE INDEX webhook_receipts_received_at ON webhook_receipts (received_at);
