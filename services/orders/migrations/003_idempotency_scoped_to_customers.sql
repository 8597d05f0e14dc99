-- Idempotency keys are each customer's own now (the kit's `scope` = the signed-in customer). A key
-- recorded before belonged to the customer its order was placed for: it moves into that customer's
-- scope, so the customer repeating such a request, now signed in, still gets the order.
UPDATE idempotency AS i
   SET scope = o.customer_id::text
  FROM orders AS o
 WHERE i.scope = '' AND o.id::text = i.resource_id;
