import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { groupCommit, memoryJournal, openJournal } from '../src/journal.ts';
import { manualFlushes, settledWithin as settled } from './manual-flushes.ts';

const dir = mkdtempSync(join(tmpdir(), 'microshop-journal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const asEntry = (value: unknown) => {
  const entry = value as { n?: unknown };
  if (typeof entry.n !== 'number') throw new Error('not an entry');
  return { n: entry.n };
};

describe('a journal', () => {
  test('what is appended is read back, in order, when the file is opened again (a restart)', async () => {
    const path = join(dir, 'nested', 'ledger.jsonl');
    const first = openJournal(path, asEntry);
    assert.deepEqual(first.records, []);
    first.append({ n: 1 });
    first.append({ n: 2 });
    await first.close();

    const again = openJournal(path, asEntry);
    again.append({ n: 3 });
    await again.close();

    assert.deepEqual(openJournal(path, asEntry).records, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  test('a line torn by a crash is skipped, and the next record starts on a line of its own', async () => {
    const path = join(dir, 'torn.jsonl');
    const journal = openJournal(path, asEntry);
    journal.append({ n: 1 });
    await journal.close();
    appendFileSync(path, '{"n":2,"hal');

    const reopened = openJournal(path, asEntry);
    reopened.append({ n: 3 });
    await reopened.close();

    const read = openJournal(path, asEntry);
    assert.deepEqual([read.records, read.skipped], [[{ n: 1 }, { n: 3 }], 1]);
    assert.equal(readFileSync(path, 'utf8'), '{"n":1}\n{"n":2,"hal\n{"n":3}\n');
  });

  test('a record is in the file once `synced` resolves, before the journal is closed', async () => {
    const path = join(dir, 'synced.jsonl');
    const journal = openJournal(path, asEntry);
    journal.append({ n: 1 });
    journal.append({ n: 2 });
    await journal.synced();
    assert.equal(readFileSync(path, 'utf8'), '{"n":1}\n{"n":2}\n');
    journal.append({ n: 3 });
    await journal.synced();
    assert.equal(readFileSync(path, 'utf8'), '{"n":1}\n{"n":2}\n{"n":3}\n');
    await journal.close();
    assert.throws(() => journal.append({ n: 4 }), /closed/);
  });

  test('in memory, it keeps nothing', () => {
    const journal = memoryJournal<{ n: number }>();
    journal.append({ n: 1 });
    assert.deepEqual([journal.records, journal.path], [[], null]);
  });
});

describe('the group commit under a journal', () => {
  test('lines added while a flush runs go together in the next one, and each waits for its own', async () => {
    const { calls, flush } = manualFlushes();
    const lines = groupCommit(flush);
    lines.add('a\n');
    const first = lines.synced();
    lines.add('b\n');
    lines.add('c\n');
    const second = lines.synced();
    assert.deepEqual(
      calls.map((call) => call.text),
      ['a\n'],
    );

    calls[0]?.finish();
    assert.equal(await settled(first), true);
    assert.equal(await settled(second), false, 'b and c are not written yet');
    assert.deepEqual(
      calls.map((call) => call.text),
      ['a\n', 'b\nc\n'],
    );

    calls[1]?.finish();
    assert.equal(await settled(second), true);
    await lines.synced(); // nothing pending: at once
    await lines.drained();
  });

  test('a failed flush breaks it: what waited is told, and nothing more is taken', async () => {
    const { calls, flush } = manualFlushes();
    const lines = groupCommit(flush);
    lines.add('a\n');
    const first = lines.synced();
    lines.add('b\n');
    const second = lines.synced();

    calls[0]?.fail(new Error('ENOSPC: no space left on device'));
    await assert.rejects(first, /journal write failed: ENOSPC/);
    await assert.rejects(second, /journal write failed: ENOSPC/);
    assert.throws(() => lines.add('c\n'), /journal write failed/);
    await assert.rejects(lines.synced(), /journal write failed/);
    await lines.drained();
    assert.equal(calls.length, 1, 'b is never written after a failure');
  });
});
