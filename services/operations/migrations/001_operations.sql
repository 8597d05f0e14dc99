-- The operations service's tables (schema operations). The outbox, inbox and idempotency tables come
-- from the platform's single definition (migrate's prelude).

-- Every record of microshop.dead-letter, indexed: one row per dead letter, identified by where it
-- first failed (origin topic, partition, offset and the group that failed). A redriven copy that fails
-- again carries `redrive.id` = this id and updates the same row (failures, last failure, status).
CREATE TABLE dead_letters (
  id uuid PRIMARY KEY,
  origin_topic text NOT NULL,
  origin_partition integer NOT NULL,
  origin_offset bigint NOT NULL,
  consumer_group text NOT NULL,
  service text NOT NULL,
  record_key bytea,
  record_value bytea,
  -- The original headers, name → base64 of the bytes, without the dlq.* and redrive.* ones.
  headers jsonb NOT NULL,
  event_id text,
  event_type text,
  error text NOT NULL,
  error_code text NOT NULL,
  attempts integer NOT NULL,
  failures integer NOT NULL DEFAULT 1,
  first_failed_at timestamptz NOT NULL,
  last_failed_at timestamptz NOT NULL,
  -- Where the latest dead-letter record of this row is on microshop.dead-letter.
  dlq_partition integer NOT NULL,
  dlq_offset bigint NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'redriving', 'redriven', 'discarded')),
  redrive_count integer NOT NULL DEFAULT 0,
  last_redriven_at timestamptz,
  discard_reason text,
  indexed_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (origin_topic, origin_partition, origin_offset, consumer_group)
);
CREATE INDEX dead_letters_listing ON dead_letters (last_failed_at DESC, id DESC);
CREATE INDEX dead_letters_status ON dead_letters (status, consumer_group);
CREATE INDEX dead_letters_code ON dead_letters (error_code);

-- One row per dead letter sent back to its topic: pending (asked for, in PostgreSQL before anything is
-- produced) → produced (the broker acknowledged it) → resolved (the failed group has read past it), or
-- cancelled while still pending. Rows of one request share a batch id.
CREATE TABLE redrives (
  id bigserial PRIMARY KEY,
  batch_id uuid NOT NULL,
  dead_letter_id uuid NOT NULL REFERENCES dead_letters (id),
  redrive_count integer NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'produced', 'resolved', 'cancelled')),
  requested_by text NOT NULL,
  request_id text,
  requested_at timestamptz NOT NULL DEFAULT now(),
  produced_at timestamptz,
  produced_partition integer,
  produced_offset bigint,
  resolved_at timestamptz
);
CREATE INDEX redrives_batch ON redrives (batch_id);
CREATE INDEX redrives_open ON redrives (state, id) WHERE state IN ('pending', 'produced');
CREATE INDEX redrives_dead_letter ON redrives (dead_letter_id);

-- Every operator action and every automatic one (the connector watchdog), written in the transaction of
-- the change it records: no audit, no action. Append-only: the trigger refuses changes and deletions.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  target_type text NOT NULL,
  target_id text NOT NULL,
  before jsonb,
  after jsonb,
  result text NOT NULL,
  reason text,
  request_id text
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- The heartbeats this service writes through its outbox (topic microshop.heartbeats) and reads back:
-- seen_at is set when one made the round trip. Kept for a day.
CREATE TABLE heartbeats (
  id uuid PRIMARY KEY,
  instance text NOT NULL,
  sent_at timestamptz NOT NULL,
  seen_at timestamptz
);
CREATE INDEX heartbeats_sent_at ON heartbeats (sent_at DESC);
