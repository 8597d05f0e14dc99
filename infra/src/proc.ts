// Starting and stopping the stack's processes. Every part runs in its own process group
// (detached), writes to its own log file and leaves a pid file, so `stack stop` from another
// terminal — or the runner on Ctrl-C — can end it and everything it spawned, JVMs included.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

export function startPart(spec: PartSpec, dirs: { logs: string; run: string }): RunningPart {
  mkdirSync(dirs.logs, { recursive: true });
  mkdirSync(dirs.run, { recursive: true });
  const logFile = logFileOf(dirs.logs, spec.name);
  const out = openSync(logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
    ...(spec.uid === undefined ? {} : { uid: spec.uid, gid: spec.gid }),
  });
  closeSync(out);
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
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface RecordedPart {
  name: string;
  pid: number;
  signal: NodeJS.Signals;
}

export function readPid(runDir: string, name: string): RecordedPart | undefined {
  const file = pidFileOf(runDir, name);
  if (!existsSync(file)) return undefined;
  const [pid, signal] = readFileSync(file, 'utf8').trim().split(' ');
  return { name, pid: Number(pid), signal: (signal ?? 'SIGTERM') as NodeJS.Signals };
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

/** Stops a part and its process group: its own stop signal, then SIGKILL after the grace period. */
export async function stopRecorded(runDir: string, part: RecordedPart, graceMs = 20_000): Promise<void> {
  if (isAlive(part.pid)) {
    signalGroup(part.pid, part.signal);
    const deadline = Date.now() + graceMs;
    while (isAlive(part.pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(part.pid)) signalGroup(part.pid, 'SIGKILL');
    while (isAlive(part.pid)) await sleep(50);
  }
  rmSync(pidFileOf(runDir, part.name), { force: true });
}

/** Polls `check` until it resolves true; fails naming the part and its log, or as soon as the process died. */
export async function waitUntil(
  part: RunningPart,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (!isAlive(part.pid))
      throw new Error(`${part.name} exited while waiting for ${what}; see ${part.logFile}`);
    try {
      if (await check()) return;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await sleep(200);
  }
  const detail = lastError ? ` (last error: ${lastError})` : '';
  throw new Error(
    `${part.name} not ready: ${what} within ${timeoutMs / 1000}s${detail}; see ${part.logFile}`,
  );
}
