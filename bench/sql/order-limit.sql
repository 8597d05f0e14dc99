-- The least PostgreSQL work one order needs from POST to SHIPPED, for the checkout benchmark's
-- "limit" row: one pgbench transaction of this script is one order. Ten commits, one per step that
-- must change state durably before the next can start — the order placed; the fraud, inventory and
-- order-details checks; the aggregator's decision; the order VALIDATED; the charge; the order
-- APPROVED; the booking; the order SHIPPED — each as a consumer writes it: its inbox row, its own
-- row, its outbox row (payloads of the size the services write; each later step is one call of
-- order_step, bench/sql/order-step.sql, in a transaction of its own). No Kafka, no Connect, no Node:
-- what PostgreSQL alone allows on this machine. Run with search_path on a schema migrated like the
-- orders service's (bench/lib/limit.ts), whose tables also stand in for the other services' rows.
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
  VALUES (gen_random_uuid(), 'order', ':cid', 'OrderCreated', ':body');
COMMIT;
-- 2–4. fraud, inventory, order-details: each its verdict as a validation result.
SELECT order_step('fraud', ':oid', 2, 'FRAUD PASS', 'OrderValidationResult', ':body');
SELECT order_step('inventory', ':oid', 3, 'RESERVED', 'OrderValidationResult', ':body');
SELECT order_step('order-details', ':oid', 4, 'DETAILS PASS', 'OrderValidationResult', ':body');
-- 5. validation-aggregator: the three results (one batch) decide the order.
SELECT order_step('validation-aggregator', ':oid', 5, 'DECIDED', 'OrderValidated', ':body');
-- 6. orders: VALIDATED.
SELECT order_step('orders', ':oid-validated', 6, 'VALIDATED', 'OrderValidated', ':body', 'VALIDATED');
-- 7. payments: the charge.
SELECT order_step('payments', ':oid', 7, 'CHARGED', 'PaymentSucceeded', ':body');
-- 8. orders: APPROVED.
SELECT order_step('orders', ':oid-approved', 8, 'APPROVED', 'OrderApproved', ':body', 'APPROVED');
-- 9. shipments: the booking.
SELECT order_step('shipments', ':oid', 9, 'BOOKED', 'ShipmentDispatched', ':body');
-- 10. orders: SHIPPED.
SELECT order_step('orders', ':oid-shipped', 10, 'SHIPPED', 'OrderShipped', ':body', 'SHIPPED');
