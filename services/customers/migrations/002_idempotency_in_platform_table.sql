-- Idempotency keys now live in the platform's `idempotency` table (one definition for every service,
-- created by the migration prelude before this file runs). Keys recorded so far move there, in the
-- empty scope, so a client repeating a registration made before this change still gets its customer.
INSERT INTO idempotency (scope, key, fingerprint, resource_id, created_at)
SELECT '', key, fingerprint, customer_id::text, created_at FROM idempotency_keys
ON CONFLICT (scope, key) DO NOTHING;

DROP TABLE idempotency_keys;
