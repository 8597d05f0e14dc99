-- A redrive request as a task of its own (the console's bulk redrive): what was asked, by whom, how
-- many, and its own velocity limit, so tasks can be listed, followed and cancelled. Each redrive of it
-- stays a row of `redrives` with the batch id.
CREATE TABLE redrive_batches (
  batch_id uuid PRIMARY KEY,
  requested_by text NOT NULL,
  request_id text,
  requested_at timestamptz NOT NULL DEFAULT now(),
  reason text,
  -- The ids or the filter the operator confirmed, as the request gave it.
  selection jsonb NOT NULL,
  total integer NOT NULL,
  -- Records produced per second at most for this task; NULL: the service's REDRIVE_RATE_PER_SECOND.
  rate_per_second integer CHECK (rate_per_second > 0)
);
CREATE INDEX redrive_batches_newest ON redrive_batches (requested_at DESC, batch_id DESC);

-- Requests made before tasks were recorded become tasks too, so every batch id can be listed.
INSERT INTO redrive_batches (batch_id, requested_by, request_id, requested_at, selection, total)
SELECT batch_id, min(requested_by), min(request_id), min(requested_at), '{}'::jsonb, count(*)
FROM redrives GROUP BY batch_id;

-- The sender's velocity limit per task counts what each batch produced in the last second.
CREATE INDEX redrives_batch_produced ON redrives (batch_id, produced_at) WHERE produced_at IS NOT NULL;
