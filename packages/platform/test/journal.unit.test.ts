import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { memoryJournal, openJournal } from '../src/journal.ts';

const dir = mkdtempSync(join(tmpdir(), 'microshop-journal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const asEntry = (value: unknown) => {
  const entry = value as { n?: unknown };
  if (typeof entry.n !== 'number') throw new Error('not an entry');
  return { n: entry.n };
};

describe('a journal', () => {
  test('what is appended is read back, in order, when the file is opened again (a restart)', () => {
    const path = join(dir, 'nested', 'ledger.jsonl');
    const first = openJournal(path, asEntry);
    assert.deepEqual(first.records, []);
    first.append({ n: 1 });
    first.append({ n: 2 });
    first.close();

    const again = openJournal(path, asEntry);
    again.append({ n: 3 });
    again.close();

    assert.deepEqual(openJournal(path, asEntry).records, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  test('a line torn by a crash is skipped, and the next record starts on a line of its own', () => {
    const path = join(dir, 'torn.jsonl');
    const journal = openJournal(path, asEntry);
    journal.append({ n: 1 });
    journal.close();
    appendFileSync(path, '{"n":2,"hal');

    const reopened = openJournal(path, asEntry);
    reopened.append({ n: 3 });
    reopened.close();

    const read = openJournal(path, asEntry);
    assert.deepEqual([read.records, read.skipped], [[{ n: 1 }, { n: 3 }], 1]);
    assert.equal(readFileSync(path, 'utf8'), '{"n":1}\n{"n":2,"hal\n{"n":3}\n');
  });

  test('in memory, it keeps nothing', () => {
    const journal = memoryJournal<{ n: number }>();
    journal.append({ n: 1 });
    assert.deepEqual([journal.records, journal.path], [[], null]);
  });
});
