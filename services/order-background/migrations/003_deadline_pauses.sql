-- Deadlines count only the time events flowed (src/domain/flow.ts): the last proof that events flow
-- (a heartbeat read back from Kafka soon after it was written) and the pauses between proofs, which
-- no deadline counts.
CREATE TABLE event_flow (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  -- When the latest proof was read; null until the first heartbeat comes back.
  last_proof_at timestamptz
);
INSERT INTO event_flow DEFAULT VALUES;

CREATE TABLE deadline_pauses (
  id bigserial PRIMARY KEY,
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL CHECK (ended_at > started_at)
);
CREATE INDEX deadline_pauses_ended ON deadline_pauses (ended_at);
