// The supervisor on a stack of stand-in processes (no PostgreSQL, Kafka or services needed): a part
// that dies outside shutdown is started again; a part stopped on purpose stays down; a part that keeps
// dying is left down and reported; and `stopStack` from another process ends the supervisor first.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceProcess } from '../src/apphost.ts';
import { stackDirs } from '../src/paths.ts';
import { isAlive, readPidFile, startPart, stopPart } from '../src/proc.ts';
import { loadSettings } from '../src/settings.ts';
import { type Stack, startProcess, stopStack } from '../src/stack.ts';
import { recordStarted, runningSupervisorPid } from '../src/started-parts.ts';
import { superviseStack } from '../src/supervise.ts';

/** A stack of `parts`, each a node process running `script`, started and recorded as the stack does. */
function standInStack(parts: Record<string, string>): Stack {
  const home = mkdtempSync(join(tmpdir(), 'microshop-supervise-'));
  const settings = loadSettings('test', { TEST_MICROSHOP_HOME: home });
  const dirs = stackDirs(home);
  const processes: ServiceProcess[] = Object.entries(parts).map(([part, script]) => {
    const entry = join(home, `${part}.mjs`);
    writeFileSync(entry, script);
    return { part, instances: [], entry, env: {} };
  });
  const started = processes.map((service) => startProcess(service, dirs));
  recordStarted(dirs, started);
  return { settings, dirs, parts: started, instances: [], processes };
}

const sleeper = 'setInterval(() => {}, 60_000);';
/** Writes its MARK variable (or `stack`) beside its script, then runs until stopped. */
const marker = `import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./mark', import.meta.url), process.env.MARK ?? 'stack');
${sleeper}`;

function readMark(stack: Stack): string | undefined {
  const file = join(stack.dirs.home, 'mark');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const quick = { pollMs: 50, baseDelayMs: 50, log: () => {} };

describe('the stack supervisor', () => {
  it('starts a part that died outside shutdown again, and logs what died and when it is back', async () => {
    const stack = standInStack({ worker: sleeper });
    const lines: string[] = [];
    const supervisor = superviseStack(stack, { ...quick, log: (line) => lines.push(line) });
    try {
      const first = readPidFile(stack.dirs.run, 'worker');
      assert.ok(first);
      process.kill(first.pid, 'SIGKILL');
      await until('the worker back', () => supervisor.recoveries[0]?.backAt !== undefined);
      const second = readPidFile(stack.dirs.run, 'worker');
      assert.ok(second && second.pid !== first.pid && isAlive(second.pid), 'a new worker process runs');
      assert.equal(supervisor.recoveries[0]?.exit, 'signal SIGKILL');
      assert.match(lines.join('\n'), /worker died \(signal SIGKILL\); restarting/);
      assert.match(lines.join('\n'), /worker is back/);
    } finally {
      supervisor.stop();
      await stopStack(stack.settings, () => {});
    }
  });

  it('starts a process again as it was last launched, with the environment it had', async () => {
    const stack = standInStack({ worker: marker });
    const supervisor = superviseStack(stack, quick);
    try {
      const first = readPidFile(stack.dirs.run, 'worker');
      assert.ok(first);
      // Someone (a test) runs the worker with settings of their own.
      await stopPart(stack.dirs.run, first);
      const entry = join(stack.dirs.home, 'worker.mjs');
      const env = { ...process.env, MARK: 'override' };
      const own = startPart({ name: 'worker', command: process.execPath, args: [entry], env }, stack.dirs);
      await until('the worker marked', () => readMark(stack) === 'override');
      await sleep(300); // the supervisor reads how it was launched while it runs
      rmSync(join(stack.dirs.home, 'mark'));
      process.kill(own.pid, 'SIGKILL');
      await until('the worker back', () => supervisor.recoveries[0]?.backAt !== undefined);
      await until('the worker marked again', () => readMark(stack) !== undefined);
      assert.equal(readMark(stack), 'override');
    } finally {
      supervisor.stop();
      await stopStack(stack.settings, () => {});
    }
  });

  it('leaves a part stopped on purpose down, even one stopped with SIGKILL', async () => {
    const stack = standInStack({ worker: sleeper });
    const supervisor = superviseStack(stack, quick);
    try {
      const part = readPidFile(stack.dirs.run, 'worker');
      assert.ok(part);
      await stopPart(stack.dirs.run, part, { signal: 'SIGKILL' });
      await sleep(500);
      assert.equal(readPidFile(stack.dirs.run, 'worker'), undefined);
      assert.equal(supervisor.recoveries.length, 0);
    } finally {
      supervisor.stop();
      await stopStack(stack.settings, () => {});
    }
  });

  it('leaves a part that keeps dying down after its attempts, and reports it', async () => {
    const stack = standInStack({ crasher: 'setTimeout(() => process.exit(3), 100);' });
    const lines: string[] = [];
    const supervisor = superviseStack(stack, { ...quick, maxAttempts: 3, log: (line) => lines.push(line) });
    try {
      await until('the crasher left down', () => supervisor.leftDown.has('crasher'), 20_000);
      assert.match(lines.join('\n'), /crasher died \(code 3\)/);
      assert.match(lines.join('\n'), /crasher died 3 times; left down/);
    } finally {
      supervisor.stop();
      await stopStack(stack.settings, () => {});
    }
  });

  it('is ended by `stop` from another process, which then finds every part stopped', async () => {
    const stack = standInStack({ worker: sleeper });
    // The supervising process (as `npm start` is) runs apart from the one that stops the stack.
    const script = join(stack.dirs.home, 'supervisor.ts');
    writeFileSync(
      script,
      `import { superviseStack } from ${JSON.stringify(join(import.meta.dirname, '../src/supervise.ts'))};
import { stopStack } from ${JSON.stringify(join(import.meta.dirname, '../src/stack.ts'))};
const stack = JSON.parse(process.env.STACK);
const supervisor = superviseStack({ ...stack, parts: [] }, { pollMs: 50, baseDelayMs: 50, log: () => {} });
process.on('SIGTERM', async () => { supervisor.stop(); await stopStack(stack.settings, () => {}); process.exit(0); });`,
    );
    const { settings, dirs, processes } = stack;
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, STACK: JSON.stringify({ settings, dirs, processes, instances: [] }) },
      stdio: 'inherit',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await until('the supervisor recorded', () => runningSupervisorPid(dirs) === child.pid, 60_000);
      const worker = readPidFile(dirs.run, 'worker');
      assert.ok(worker);
      await stopStack(settings, () => {});
      await exited;
      assert.equal(isAlive(worker.pid), false, 'the worker is stopped');
      assert.equal(runningSupervisorPid(dirs), undefined, 'no supervisor left');
    } finally {
      child.kill('SIGKILL');
      await stopStack(settings, () => {});
    }
  });
});
