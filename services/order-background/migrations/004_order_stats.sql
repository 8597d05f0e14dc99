-- The operators' order statistics (GET /api/v1/order-stats) read the timeline by time: status changes
-- per minute over a range, and the orders created in a range with the later statuses they reached.
CREATE INDEX order_timeline_at ON order_timeline (at);
CREATE INDEX order_timeline_status_at ON order_timeline (status, at);
