-- The inventory service's catalog, stock and reservations (schema inventory).
-- The outbox and inbox tables come from the platform's single definition (migrate's prelude).
-- Skus use the "C" collation so that every ORDER BY sku (the order rows are locked in) is the same
-- bytewise order on every server, whatever its locale.

-- One row per sellable product. stock − reserved is what can still be promised to new orders.
CREATE TABLE products (
  sku text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  unit_price bigint NOT NULL CHECK (unit_price >= 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  stock bigint NOT NULL CHECK (stock >= 0),
  -- Units promised to orders not yet approved; never more than is on hand (no oversell).
  reserved bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= stock),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The one inventory verdict per order. A second OrderCreated for an order (another event id, e.g.
-- a re-published row) finds it and changes nothing, so an order is never reserved twice.
CREATE TABLE order_checks (
  order_id uuid PRIMARY KEY,
  result text NOT NULL CHECK (result IN ('PASS', 'FAIL')),
  reason text,
  event_id uuid NOT NULL,
  checked_at timestamptz NOT NULL
);

-- One row per order line that was reserved (only orders that PASSed have any). The state moves
-- RESERVED → COMMITTED (approved) | RELEASED (failed, cancelled), and COMMITTED → RESTOCKED
-- (cancelled after approval); see src/domain/reservation-state.ts.
CREATE TABLE reservations (
  order_id uuid NOT NULL,
  line integer NOT NULL CHECK (line >= 0),
  sku text COLLATE "C" NOT NULL REFERENCES products (sku),
  quantity bigint NOT NULL CHECK (quantity > 0),
  state text NOT NULL CHECK (state IN ('RESERVED', 'COMMITTED', 'RELEASED', 'RESTOCKED')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (order_id, line)
);
-- GET /api/v1/products/{sku}/reservations: newest first.
CREATE INDEX reservations_by_sku ON reservations (sku, created_at DESC);

-- Demo catalog (JUMPERS, UNDERPANTS, STOCKINGS and two more), EUR prices in cents.
-- Each demo product is announced like every other product change: a ProductChanged row in the
-- outbox of the same transaction (main adds the outbox to the publication before this runs).
-- Reworded since it was applied (comments and a query name only):
-- applied earlier as 64aeaeae1fbd69214157ba25939d9566137b48fd9aa994f7544625becad82ad7
-- applied earlier as 2415a9b4493128b266fb3e3574e535f3b00256ceafa7e7d1415dce4d8e16245e
WITH demo AS (
  INSERT INTO products (sku, name, unit_price, currency, stock)
  VALUES
    ('JUMPERS', 'Woolly jumper', 2500, 'EUR', 1000),
    ('UNDERPANTS', 'Cotton underpants', 1200, 'EUR', 1000),
    ('STOCKINGS', 'Christmas stockings', 999, 'EUR', 1000),
    ('SCARVES', 'Knitted scarf', 1800, 'EUR', 1000),
    ('MITTENS', 'Wool mittens', 1500, 'EUR', 1000)
  RETURNING sku, name, unit_price, currency, stock, reserved, updated_at
),
announced AS (
  SELECT gen_random_uuid() AS id, s.*,
         to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
  FROM demo s
)
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)
SELECT id, 'microshop.products', sku, 'ProductChanged',
       jsonb_build_object(
         'id', id, 'type', 'ProductChanged', 'occurredAt', at, 'source', 'inventory', 'sku', sku,
         'product', jsonb_build_object(
           'sku', sku, 'name', name, 'unitPrice', unit_price, 'currency', currency,
           'stock', stock, 'reserved', reserved, 'updatedAt', at))
FROM announced;

-- The WAL keeps the INSERTs for Debezium; the rows leave the table at once (the outbox rows services
-- write later are kept for a retention window, so they can be streamed again).
DELETE FROM outbox;
