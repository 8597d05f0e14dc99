-- Every change an operator makes to the catalog, field by field: who (the principal's subject),
-- when, and the value before and after. Reservations and settlements of orders are not operators'
-- changes and are not written here. GET /api/v1/products/{sku}/audit reads it, newest first.
CREATE TABLE catalog_audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku text COLLATE "C" NOT NULL,
  field text NOT NULL CHECK (field IN ('name', 'unitPrice', 'currency', 'stock')),
  -- JSON values (a number or a string); no "before" for a product being created.
  old_value jsonb,
  new_value jsonb NOT NULL,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL
);
CREATE INDEX catalog_audit_by_sku ON catalog_audit (sku, changed_at DESC, id);
