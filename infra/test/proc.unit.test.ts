// Waiting for a part to be ready, on stand-in processes: a part still writing its log is waited for
// past the timeout (a JVM recovering its logs on a loaded machine), up to a bound; a silent one is
// given up on once the timeout passes; one that exits is reported at once.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { patienceFactor, type RunningPart, startPart, stopPart, waitUntil } from '../src/proc.ts';

const home = mkdtempSync(join(tmpdir(), 'microshop-proc-'));
const dirs = { logs: join(home, 'logs'), run: join(home, 'run') };
const started: RunningPart[] = [];

function standIn(name: string, script: string): RunningPart {
  const part = startPart({ name, command: process.execPath, args: ['-e', script] }, dirs);
  started.push(part);
  return part;
}

after(async () => {
  for (const part of started) await stopPart(dirs.run, { ...part, stopSignal: 'SIGTERM' }, { graceMs: 1000 });
});

const writing = "setInterval(() => console.log('still recovering'), 100);";
const silent = 'setInterval(() => {}, 60_000);';

describe('waitUntil', () => {
  it('waits past the timeout for a part that keeps writing its log', async () => {
    const part = standIn('writing', writing);
    const began = Date.now();
    const readyAt = began + 1500;
    await waitUntil(part, 'ready', async () => Date.now() >= readyAt, 500);
    assert.ok(Date.now() - began >= 1500, 'it waited for the check, three timeouts long');
  });

  it(`gives up on a part still writing after ${patienceFactor} timeouts`, async () => {
    const part = standIn('endless', writing);
    const began = Date.now();
    await assert.rejects(
      waitUntil(part, 'ready', async () => false, 300),
      /endless not ready: ready within \d+s; see .*endless\.log/,
    );
    const waited = Date.now() - began;
    assert.ok(waited >= 300 * patienceFactor && waited < 300 * patienceFactor + 1000, `waited ${waited} ms`);
  });

  it('gives up on a silent part once the timeout passes', async () => {
    const part = standIn('silent', silent);
    const began = Date.now();
    await assert.rejects(
      waitUntil(part, 'ready', async () => false, 500),
      /silent not ready/,
    );
    const waited = Date.now() - began;
    assert.ok(waited >= 500 && waited < 1500, `waited ${waited} ms`);
  });

  it('fails at once when the part exits', async () => {
    const part = standIn('exits', 'process.exit(3)');
    await assert.rejects(
      waitUntil(part, 'ready', async () => false, 10_000),
      /exits exited while waiting for ready/,
    );
  });
});
