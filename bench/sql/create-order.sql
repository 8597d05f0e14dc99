-- The orders service's create-order transaction, statement for statement (services/orders/src/store/
-- orders-store.ts insertOrder, then the platform's appendToOutbox), for pgbench. Run with search_path
-- set to a schema holding the orders service's tables (bench/lib/pgbench.ts migrates one) and
-- -D topic=<topic the outbox row is routed to>. The outbox row is stamped with the wall-clock time of
-- its insert, the last statement before COMMIT, for the outbox-pipeline benchmark. The row stays in
-- the table, as the kit keeps outbox rows for their retention window.
SELECT gen_random_uuid() AS oid, gen_random_uuid() AS cid, gen_random_uuid() AS eid \gset
BEGIN;
WITH new_order AS (
    INSERT INTO orders (id, customer_id, currency, total, status, reasons, created_at, updated_at)
    VALUES (':oid', ':cid', 'EUR', 5999, 'CREATED', '[]', now(), now())),
  lines AS (
    INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price)
    SELECT ':oid', n - 1, sku, quantity, unit_price
    FROM unnest(ARRAY['JUMPERS','STOCKINGS']::text[], ARRAY[2,1]::int[], ARRAY[2500,999]::bigint[])
      WITH ORDINALITY AS t(sku, quantity, unit_price, n)),
  history AS (
    INSERT INTO order_status_history (order_id, seq, status, at, reasons)
    SELECT ':oid', 0 + t.n, t.status, t.at, t.reasons
    FROM unnest(ARRAY['CREATED']::text[], ARRAY[now()]::timestamptz[], ARRAY['[]']::jsonb[])
      WITH ORDINALITY AS t(status, at, reasons, n))
  SELECT pg_notify('order_status_changed', ':oid');
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
  SELECT * FROM unnest(ARRAY[':eid']::uuid[], ARRAY[':topic']::text[], ARRAY[':cid']::text[],
    ARRAY['OrderCreated']::text[], ARRAY['{"id":":eid","type":"OrderCreated","occurredAt":"2026-11-21T10:00:00.000Z","source":"orders","orderId":":oid","customerId":":cid","status":"CREATED","order":{"id":":oid","customerId":":cid","items":[{"sku":"JUMPERS","quantity":2,"unitPrice":2500},{"sku":"STOCKINGS","quantity":1,"unitPrice":999}],"currency":"EUR","total":5999,"status":"CREATED","reasons":[],"createdAt":"2026-11-21T10:00:00.000Z","updatedAt":"2026-11-21T10:00:00.000Z"},"payment":{"token":"tok_visa"}}'::jsonb
      || jsonb_build_object('writtenAtMs', floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint)]::jsonb[]);
COMMIT;
