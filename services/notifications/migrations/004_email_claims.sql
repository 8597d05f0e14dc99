-- Emails are sent outside any transaction: a claim (SENDING, attempts + 1, claimed_until) is committed
-- before the send, and the result recorded in a transaction of its own after it. A claim that lapses
-- (the sender died between the send and the record) makes the email due again: that one email is sent
-- again, with the same Message-ID. A permanent 5xx ends the email FAILED, with the server's answer in
-- last_error.
ALTER TABLE emails DROP CONSTRAINT emails_state_check;
ALTER TABLE emails ADD CONSTRAINT emails_state_check CHECK (state IN ('PENDING', 'SENDING', 'SENT', 'FAILED'));
ALTER TABLE emails ADD COLUMN claimed_until timestamptz;
-- A claim that lapsed is due like a PENDING email whose next attempt has come.
CREATE INDEX emails_claimed ON emails (claimed_until) WHERE state = 'SENDING';
