// Starting and stopping the stack's processes. Every part runs in its own process group
// (detached), writes to its own log file and leaves a pid file, so `stack stop` from another
// terminal — or the runner on Ctrl-C — can end it and everything it spawned, JVMs included.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PartSpec {
  /** Unique name of the part: its log file is logs/<name>.log, its pid file run/<name>.pid. */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this OS user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
  /** Signal for a clean stop: PostgreSQL's fast shutdown is SIGINT. */
  stopSignal?: NodeJS.Signals;
}

export interface RunningPart {
  name: string;
  pid: number;
  logFile: string;
  child?: ChildProcess;
}

export function logFileOf(logsDir: string, name: string): string {
  return join(logsDir, `${name}.log`);
}

function pidFileOf(runDir: string, name: string): string {
  return join(runDir, `${name}.pid`);
}

/**
 * Left by `stopPart` before it signals a part, and removed when the part starts again: a part that is
 * gone while it is there was stopped on purpose (a clean stop, or a test's deliberate crash), so the
 * supervisor (supervise.ts) leaves it down. A part that dies without it died outside shutdown.
 */
function stoppingFileOf(runDir: string, name: string): string {
  return join(runDir, `${name}.stopping`);
}

export function isBeingStopped(runDir: string, name: string): boolean {
  return existsSync(stoppingFileOf(runDir, name));
}

export function startPart(spec: PartSpec, dirs: { logs: string; run: string }): RunningPart {
  mkdirSync(dirs.logs, { recursive: true });
  mkdirSync(dirs.run, { recursive: true });
  const logFile = logFileOf(dirs.logs, spec.name);
  rmSync(stoppingFileOf(dirs.run, spec.name), { force: true });
  const output = openSync(logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ['ignore', output, output],
    ...(spec.uid === undefined ? {} : { uid: spec.uid, gid: spec.gid }),
  });
  closeSync(output);
  if (child.pid === undefined)
    throw new Error(`${spec.name}: could not start ${spec.command} (see ${logFile})`);
  writeFileSync(pidFileOf(dirs.run, spec.name), `${child.pid} ${spec.stopSignal ?? 'SIGTERM'}\n`);
  child.unref();
  return { name: spec.name, pid: child.pid, logFile, child };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What a part's pid file says: its process and the signal that stops it cleanly. */
export interface PartPid {
  name: string;
  pid: number;
  stopSignal: NodeJS.Signals;
}

export function readPidFile(runDir: string, name: string): PartPid | undefined {
  const file = pidFileOf(runDir, name);
  if (!existsSync(file)) return undefined;
  const [pid, stopSignal] = readFileSync(file, 'utf8').trim().split(' ');
  return { name, pid: Number(pid), stopSignal: (stopSignal ?? 'SIGTERM') as NodeJS.Signals };
}

/** The names of the parts that have a pid file: started and not stopped since. */
export function partsWithPidFile(runDir: string): string[] {
  if (!existsSync(runDir)) return [];
  return readdirSync(runDir)
    .filter((file) => file.endsWith('.pid'))
    .map((file) => file.slice(0, -'.pid'.length));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Stops a part and its process group: its own stop signal (or `signal`, e.g. SIGKILL to imitate a
 * crash), then SIGKILL after the grace period. Its pid file goes with it.
 */
export async function stopPart(
  runDir: string,
  part: PartPid,
  options: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<void> {
  writeFileSync(stoppingFileOf(runDir, part.name), `${process.pid}\n`);
  if (isAlive(part.pid)) {
    signalGroup(part.pid, options.signal ?? part.stopSignal);
    const deadline = Date.now() + (options.graceMs ?? 20_000);
    while (isAlive(part.pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(part.pid)) signalGroup(part.pid, 'SIGKILL');
    while (isAlive(part.pid)) await sleep(50);
  }
  rmSync(pidFileOf(runDir, part.name), { force: true });
}

/** How much longer than `timeoutMs` a part still writing its log is waited for, at most. */
export const patienceFactor = 5;

/**
 * Polls `check` until it resolves true; fails naming the part and its log, or as soon as the process
 * died. `timeoutMs` counts from the last time the part's log grew: a part that is alive and still
 * writing (a JVM recovering its logs on a loaded machine) is waited for, up to `patienceFactor` times
 * `timeoutMs` in all; one silent for `timeoutMs` is given up on (and started again by the supervisor).
 */
export async function waitUntil(
  part: RunningPart,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const started = Date.now();
  const progress = logProgress(part.logFile);
  let lastError = '';
  while (Date.now() - progress() < timeoutMs && Date.now() - started < timeoutMs * patienceFactor) {
    if (!isAlive(part.pid))
      throw new Error(`${part.name} exited while waiting for ${what}; see ${part.logFile}`);
    try {
      if (await check()) return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(200);
  }
  const detail = lastError ? ` (last error: ${lastError})` : '';
  throw new Error(
    `${part.name} not ready: ${what} within ${Math.round((Date.now() - started) / 1000)}s${detail}; see ${part.logFile}`,
  );
}

/** A clock of the file's growth: when it was last seen bigger than before (from now on). */
function logProgress(file: string): () => number {
  let size = sizeOf(file);
  let grewAt = Date.now();
  return () => {
    const now = sizeOf(file);
    if (now !== size) {
      size = now;
      grewAt = Date.now();
    }
    return grewAt;
  };
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
