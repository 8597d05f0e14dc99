-- The trace an event was parked in (the W3C traceparent of its handling; '' outside a trace): what is
-- done with it when it is taken up again (routing, its email) goes on in that trace.
ALTER TABLE parked_events ADD COLUMN traceparent text NOT NULL DEFAULT '';
