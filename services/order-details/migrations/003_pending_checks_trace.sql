-- The trace an order was parked in (the W3C traceparent of its OrderCreated handling; '' outside a
-- trace): its verdict, given later by a copy's arrival or the deadline loop, goes on in that trace.
ALTER TABLE pending_checks ADD COLUMN traceparent text NOT NULL DEFAULT '';
