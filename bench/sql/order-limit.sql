-- The least PostgreSQL work one order needs from POST to SHIPPED, for the checkout benchmark's
-- "limit" row: one pgbench transaction of this script is one order. Ten commits, one per step that
-- must change state durably before the next can start — the order placed; the fraud, inventory and
-- order-details checks; the aggregator's decision; the order VALIDATED; the charge; the order
-- APPROVED; the booking; the order SHIPPED — each as a consumer writes it: its inbox row, its own
-- row, its outbox row (payloads of the size the services write). No Kafka, no Connect, no Node: what
-- PostgreSQL alone allows on this machine. Run with search_path on a schema migrated like the orders
-- service's (bench/lib/pgbench.ts), whose orders tables also stand in for the other services' rows.
SELECT gen_random_uuid() AS oid, gen_random_uuid() AS cid \gset
SELECT '{"source":"bench","orderId":":oid","customerId":":cid","status":"CREATED","order":{"items":[{"sku":"JUMPERS","quantity":2,"unitPrice":2500},{"sku":"STOCKINGS","quantity":1,"unitPrice":999}],"currency":"EUR","total":5999,"reasons":[],"createdAt":"2026-11-21T10:00:00.000Z","updatedAt":"2026-11-21T10:00:00.000Z"},"payment":{"reference":"pm_benchReference0000000000000"}}' AS body \gset
-- 1. orders: the order, its lines, its history and OrderCreated.
BEGIN;
INSERT INTO orders (id, customer_id, currency, total, status, reasons, created_at, updated_at)
  VALUES (':oid', ':cid', 'EUR', 5999, 'CREATED', '[]', now(), now());
INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price)
  VALUES (':oid', 0, 'JUMPERS', 2, 2500), (':oid', 1, 'STOCKINGS', 1, 999);
INSERT INTO order_status_history (order_id, seq, status, at, reasons) VALUES (':oid', 1, 'CREATED', now(), '[]');
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
  VALUES (gen_random_uuid(), 'order', ':cid', 'OrderCreated', ':body'::jsonb);
COMMIT;
-- 2–4. fraud, inventory, order-details: each its inbox row, its verdict and a validation result.
BEGIN;
INSERT INTO inbox (consumer, event_id, topic, partition, "offset") VALUES ('fraud', ':oid', 'o', 0, 1);
INSERT INTO order_status_history (order_id, seq, status, at, reasons) VALUES (':oid', 2, 'FRAUD PASS', now(), '[]');
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
  VALUES (gen_random_uuid(), 'validation', ':oid', 'OrderValidationResult', ':body'::jsonb);
COMMIT;
BEGIN;
INSERT INTO inbox (consumer, event_id, topic, partition, "offset") VALUES ('inventory', ':oid', 'o', 0, 1);
INSERT INTO order_status_history (order_id, seq, status, at, reasons) VALUES (':oid', 3, 'RESERVED', now(), '[]');
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
  VALUES (gen_random_uuid(), 'validation', ':oid', 'OrderValidationResult', ':body'::jsonb);
COMMIT;
BEGIN;
INSERT INTO inbox (consumer, event_id, topic, partition, "offset") VALUES ('order-details', ':oid', 'o', 0, 1);
INSERT INTO order_status_history (order_id, seq, status, at, reasons) VALUES (':oid', 4, 'DETAILS PASS', now(), '[]');
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
  VALUES (gen_random_uuid(), 'validation', ':oid', 'OrderValidationResult', ':body'::jsonb);
COMMIT;
-- 5. validation-aggregator: the three results (one batch) and the decision.
BEGIN;
INSERT INTO inbox (consumer, event_id, topic, partition, "offset")
  VALUES ('aggregator', ':oid' || '-f', 'v', 0, 1), ('aggregator', ':oid' || '-i', 'v', 0, 2),
         ('aggregator', ':oid' || '-d', 'v', 0, 3);
INSERT INTO order_status_history (order_id, seq, status, at, reasons) VALUES (':oid', 5, 'DECIDED', now(), '[]');
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
  VALUES (gen_random_uuid(), 'decision', ':oid', 'OrderValidated', ':body'::jsonb);
COMMIT;
-- 6, 8, 10. orders: VALIDATED, APPROVED, SHIPPED — inbox row, status, history, status event.
BEGIN;
INSERT INTO inbox (consumer, event_id, topic, partition, "offset") VALUES ('orders', ':oid' || '-v', 'd', 0, 1);
UPDATE orders SET status = 'VALIDATED', updated_at = now() WHERE id = ':oid';
INSERT INTO order_status_history (order_id, seq, status, at, reasons) VALUES (':oid', 6, 'VALIDATED', now(), '[]');
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
  VALUES (gen_random_uuid(), 'order', ':cid', 'OrderValidated', ':body'::jsonb);
COMMIT;
-- 7. payments: inbox row, the charge, PaymentSucceeded.
BEGIN;
INSERT INTO inbox (consumer, event_id, topic, partition, "offset") VALUES ('payments', ':oid', 'o', 0, 2);
INSERT INTO order_status_history (order_id, seq, status, at, reasons) VALUES (':oid', 7, 'CHARGED', now(), '[]');
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
  VALUES (gen_random_uuid(), 'payment', ':oid', 'PaymentSucceeded', ':body'::jsonb);
COMMIT;
BEGIN;
INSERT INTO inbox (consumer, event_id, topic, partition, "offset") VALUES ('orders', ':oid' || '-p', 'p', 0, 1);
UPDATE orders SET status = 'APPROVED', updated_at = now() WHERE id = ':oid';
INSERT INTO order_status_history (order_id, seq, status, at, reasons) VALUES (':oid', 8, 'APPROVED', now(), '[]');
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
  VALUES (gen_random_uuid(), 'order', ':cid', 'OrderApproved', ':body'::jsonb);
COMMIT;
-- 9. shipments: inbox row, the booking, ShipmentDispatched.
BEGIN;
INSERT INTO inbox (consumer, event_id, topic, partition, "offset") VALUES ('shipments', ':oid', 'o', 0, 3);
INSERT INTO order_status_history (order_id, seq, status, at, reasons) VALUES (':oid', 9, 'BOOKED', now(), '[]');
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
  VALUES (gen_random_uuid(), 'shipment', ':oid', 'ShipmentDispatched', ':body'::jsonb);
COMMIT;
BEGIN;
INSERT INTO inbox (consumer, event_id, topic, partition, "offset") VALUES ('orders', ':oid' || '-s', 's', 0, 1);
UPDATE orders SET status = 'SHIPPED', updated_at = now() WHERE id = ':oid';
INSERT INTO order_status_history (order_id, seq, status, at, reasons) VALUES (':oid', 10, 'SHIPPED', now(), '[]');
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
  VALUES (gen_random_uuid(), 'order', ':cid', 'OrderShipped', ':body'::jsonb);
COMMIT;
