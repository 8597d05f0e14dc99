-- The trace the last charge request was sent in (the W3C traceparent of the order's payment step; ''
-- outside a trace): what the reconciliation later learns of that charge goes on in it.
ALTER TABLE payment_orders ADD COLUMN charge_traceparent text NOT NULL DEFAULT '';
