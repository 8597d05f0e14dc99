-- Reconciliation against the provider's ledger (src/tasks/reconciler.ts): when the last charge request
-- left (every send, not only the first), when the provider was last asked about the order's charge key,
-- and when that was settled for good (nothing left to ask).
ALTER TABLE payment_orders ADD COLUMN charge_last_sent_at timestamptz;
ALTER TABLE payment_orders ADD COLUMN reconcile_checked_at timestamptz;
ALTER TABLE payment_orders ADD COLUMN reconciled_at timestamptz;
UPDATE payment_orders SET charge_last_sent_at = charge_attempted_at;
-- The reconciliation's candidates: orders not settled yet.
CREATE INDEX payment_orders_unreconciled ON payment_orders (updated_at) WHERE reconciled_at IS NULL;
