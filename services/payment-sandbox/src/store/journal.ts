import { join } from 'node:path';
import { type Journal, memoryJournal, openJournal } from '@microshop/platform';
import { z } from 'zod';
import type { KeyRecord } from '../http/idempotency.ts';

/**
 * The sandbox's ledger on disk: one JSON line per final answer to a keyed request (the key, its
 * request's fingerprint, the operation and the answer), on disk before any answer is sent. Charges
 * and refunds are rebuilt from the answers that made them, so a restart keeps every charge, refund
 * and idempotency key. Without a data directory the sandbox keeps them in memory only.
 */

const keyRecordSchema = z.object({
  key: z.string().min(1),
  fingerprint: z.string().min(1),
  operation: z.enum(['charge', 'refund']),
  response: z.object({ status: z.number().int(), body: z.unknown() }),
});

export const chargeRecordSchema = z.object({
  id: z.string().min(1),
  object: z.literal('charge'),
  status: z.literal('succeeded'),
  amount: z.number().int(),
  currency: z.string(),
  metadata: z.record(z.string(), z.string()),
  created: z.number().int(),
  amount_refunded: z.number().int(),
  refunded: z.boolean(),
});

export const refundRecordSchema = z.object({
  id: z.string().min(1),
  object: z.literal('refund'),
  charge: z.string().min(1),
  amount: z.number().int(),
  currency: z.string(),
  status: z.literal('succeeded'),
  created: z.number().int(),
});

export const ledgerFile = 'ledger.jsonl';

export function openLedgerJournal(dataDir: string | undefined): Journal<KeyRecord> {
  if (dataDir === undefined) return memoryJournal();
  return openJournal(join(dataDir, ledgerFile), (value) => keyRecordSchema.parse(value) as KeyRecord);
}
