-- One consumer's step of an order, as the order-limit script runs it (one call, one commit): the
-- message recorded in the inbox, the consumer's own row, its event in the outbox, and — when the
-- step is the orders service moving the order — the order's new status. Created by bench/lib/limit.ts
-- in the schema the script runs in.
CREATE OR REPLACE FUNCTION order_step(consumer text, event_id text, seq int, status text,
                                      event_type text, body jsonb, order_status text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  the_order uuid := (body ->> 'orderId')::uuid;
BEGIN
  INSERT INTO inbox (consumer, event_id, topic, partition, "offset") VALUES (consumer, event_id, 't', 0, seq);
  IF order_status IS NOT NULL THEN
    UPDATE orders SET status = order_status, updated_at = now() WHERE id = the_order;
  END IF;
  INSERT INTO order_status_history (order_id, seq, status, at, reasons) VALUES (the_order, seq, status, now(), '[]');
  INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
    VALUES (gen_random_uuid(), consumer, the_order::text, event_type, body);
END $$;
