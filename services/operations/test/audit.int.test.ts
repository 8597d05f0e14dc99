import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendAudit, listAudit } from '../src/store/audit.ts';
import { migratedSchema } from './harness.ts';

// The audit log reads newest first by its growing id — as a number: ids are answered as text, and an
// order by that text put entry 10 before entry 9.

const db = await migratedSchema('operations_audit');

test('the audit log lists newest first across ids of more digits', async () => {
  const entries = Array.from({ length: 12 }, (_, i) => ({
    actor: 'operator',
    action: `step-${i + 1}`,
    targetType: 'dead-letter' as const,
    targetId: 'audit-order-test',
    result: 'ok',
  }));
  for (const entry of entries) await appendAudit(db.pool, [entry]);

  const newest = await listAudit(db.pool, { targetId: 'audit-order-test' }, { limit: 5 });
  assert.deepEqual(
    newest.map((row) => row.action),
    ['step-12', 'step-11', 'step-10', 'step-9', 'step-8'],
  );
  const older = await listAudit(
    db.pool,
    { targetId: 'audit-order-test' },
    { limit: 5, beforeId: newest[4]?.id },
  );
  assert.deepEqual(
    older.map((row) => row.action),
    ['step-7', 'step-6', 'step-5', 'step-4', 'step-3'],
  );
});
