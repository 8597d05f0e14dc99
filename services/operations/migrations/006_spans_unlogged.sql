-- Spans are diagnostics kept for hours, written hundreds per order. Unlogged, they write no WAL: no
-- fsync of it, and nothing for the change-data capture to decode and throw away (it publishes only
-- the outbox tables, but decodes every table's WAL first). PostgreSQL empties an unlogged table after
-- a crash, so the traces of the work before a crash are lost; the orders, events and everything else
-- are not.
ALTER TABLE spans SET UNLOGGED;
