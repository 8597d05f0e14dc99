-- Card tokens leave payment_orders: each is kept encrypted (AES-GCM, key from config) in
-- payment_methods under the opaque reference the other services see, and only as long as a charge
-- may still need it (src/store/payment-methods.ts deletes it once its orders are charged or ended).
CREATE TABLE payment_methods (
  reference text PRIMARY KEY,
  -- Who handed the token over (the principal's subject): the reference is derived from it.
  subject text NOT NULL,
  key_id text NOT NULL,
  iv bytea NOT NULL,
  auth_tag bytea NOT NULL,
  ciphertext bytea NOT NULL,
  -- Refreshed by every registration: a method registered moments ago may belong to an order
  -- payments has not heard of yet, so it is kept for a grace period whatever its known orders say.
  registered_at timestamptz NOT NULL
);

ALTER TABLE payment_orders ADD COLUMN payment_reference text;
CREATE INDEX payment_orders_by_reference ON payment_orders (payment_reference)
  WHERE payment_reference IS NOT NULL;

-- Tokens of orders already charged, failed or cancelled are never needed again: gone now. The few
-- of orders still waiting for their charge are encrypted by the service at its next start
-- (sealLegacyTokens), which needs the key; the column then stays empty.
UPDATE payment_orders o SET token = NULL
 WHERE token IS NOT NULL
   AND (ended_status IS NOT NULL OR EXISTS (SELECT 1 FROM charges c WHERE c.order_id = o.order_id));

-- No token is ever written in clear again (NOT VALID: the rows above are emptied by the service).
ALTER TABLE payment_orders ADD CONSTRAINT payment_orders_token_never_in_clear CHECK (token IS NULL) NOT VALID;
