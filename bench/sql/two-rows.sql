-- The minimal transactional-outbox write: one order row and one outbox row, for pgbench.
SELECT gen_random_uuid() AS oid, gen_random_uuid() AS cid, gen_random_uuid() AS eid \gset
BEGIN;
INSERT INTO orders (id, customer_id, currency, total, status, reasons, created_at, updated_at)
  VALUES (':oid', ':cid', 'EUR', 5999, 'CREATED', '[]', now(), now());
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
  VALUES (':eid', 'microshop.bench', ':cid', 'OrderCreated', '{"id":":eid","type":"OrderCreated","orderId":":oid"}');
COMMIT;
