-- The orders service's own copy of the catalog's prices, kept from the compacted topic
-- microshop.products (src/handlers/catalog-copy.ts): an order's unit prices are fixed from it when
-- the order is placed. Stock is the inventory service's business and is not copied.
CREATE TABLE catalog (
  sku text PRIMARY KEY,
  unit_price bigint NOT NULL CHECK (unit_price >= 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- The product's own updatedAt: an event older than this changes nothing (replays, reordering).
  updated_at timestamptz NOT NULL,
  event_id text NOT NULL
);
