-- The operators' customer list (GET /api/v1/customers): newest first, keyset-paged on (created_at, id),
-- optionally one level only, optionally the emails that start with a prefix. text_pattern_ops lets
-- `lower(email) LIKE 'prefix%'` use the index whatever the database's collation.
CREATE INDEX customers_newest ON customers (created_at DESC, id DESC);
CREATE INDEX customers_level_newest ON customers (level, created_at DESC, id DESC);
CREATE INDEX customers_email_prefix ON customers (lower(email) text_pattern_ops);
