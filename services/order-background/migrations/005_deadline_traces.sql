-- The trace the order entered its status in (the W3C traceparent of that event's handling; '' outside a
-- trace): the ExpireOrder the watchdog sends at the deadline goes on in it.
ALTER TABLE order_deadlines ADD COLUMN traceparent text NOT NULL DEFAULT '';
