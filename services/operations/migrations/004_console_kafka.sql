-- The console's Kafka pages: the saved filters of the message browser, and every offset reset of a
-- consumer group (its audit entry is written in the same transaction).

-- A filter is the browser's filter parameters (key, header, field, type, expr, partition, until), as
-- the URL carries them. owner NULL: shared with every operator; else the operator's own.
CREATE TABLE saved_filters (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text        NOT NULL,
  owner       text,
  params      jsonb       NOT NULL,
  created_by  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (owner, name)
);

-- Shared from the start: our own heartbeats (microshop.heartbeats) and Debezium's (key {serverName}).
INSERT INTO saved_filters (id, name, owner, params, created_by) VALUES (
  '00000000-0000-4000-8000-000000000001',
  'Hide heartbeats',
  NULL,
  '{"expr": "value.type != \"Heartbeat\" and not key contains \"serverName\""}',
  'microshop'
);

-- An offset reset: the group, the topic, what it was reset to, and each partition's offset before
-- and after. Kept for good, like the audit log.
CREATE TABLE offset_resets (
  id          uuid        PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  group_id    text        NOT NULL,
  topic       text        NOT NULL,
  target      jsonb       NOT NULL,
  partitions  jsonb       NOT NULL,
  actor       text        NOT NULL,
  reason      text        NOT NULL,
  request_id  text
);
CREATE INDEX offset_resets_group ON offset_resets (group_id, at DESC);
