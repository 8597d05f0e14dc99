// While `npm start` (or the test runner, or the chaos run) holds the stack, it keeps every part up:
// PostgreSQL, each Kafka node, Kafka Connect and every service process. A part that dies outside
// shutdown — its process gone while its pid file is there and no stop was asked for it (proc.ts's
// "stopping" marker) — is started again with backoff (1 s, 2 s, 4 s, …) and logged: what died, its
// exit code or signal, when it is back. A part that dies `maxAttempts` times within `windowMs`, each
// time within `stableMs` of being back (a crash loop), is left down and reported. Detection polls the
// pid files, so a part some other process started again (a test that restarted it) is watched too.
import { setTimeout as sleep } from 'node:timers/promises';
import { type Launch, launchOf } from './launch.ts';
import { isAlive, isBeingStopped, type RunningPart, readPidFile, stopPart } from './proc.ts';
import { kindOf, restartPart } from './restart-part.ts';
import type { Stack } from './stack.ts';
import { forgetSupervisor, recordSupervisor, startedInOrder } from './started-parts.ts';

export interface SupervisorOptions {
  log?: (line: string) => void;
  /** Restarts allowed within `windowMs` before the part is left down (default 5 in 10 minutes). */
  maxAttempts?: number;
  windowMs?: number;
  /** A part up this long since its last restart starts counting afresh (default 1 minute). */
  stableMs?: number;
  pollMs?: number;
  /** The first backoff; each next one doubles (default 1 s). */
  baseDelayMs?: number;
}

/** One recovery, as the supervisor logged it (the chaos run reads them to time the recovery). */
export interface Recovery {
  part: string;
  diedAt: number;
  exit: string;
  backAt?: number;
  leftDown?: boolean;
}

export interface Supervisor {
  readonly recoveries: readonly Recovery[];
  /** Parts left down after dying too often. */
  readonly leftDown: ReadonlySet<string>;
  stop(): void;
}

export function superviseStack(stack: Stack, options: SupervisorOptions = {}): Supervisor {
  const log = options.log ?? ((line: string) => console.error(line));
  const settings = {
    maxAttempts: 5,
    windowMs: 600_000,
    stableMs: 60_000,
    pollMs: 500,
    baseDelayMs: 1000,
    ...options,
  };
  const { dirs } = stack;
  const exits = new Map<string, string>();
  const busy = new Set<string>();
  const leftDown = new Set<string>();
  const attempts = new Map<string, number[]>();
  const backAt = new Map<string, number>();
  const recoveries: Recovery[] = [];
  // How each service process was last launched, read while it runs: it is started again the same way.
  const launches = new Map<string, Launch>();
  let stopped = false;

  const noteExit = (part: RunningPart) =>
    part.child?.once('exit', (code, signal) =>
      exits.set(part.name, signal ? `signal ${signal}` : `code ${code}`),
    );
  for (const part of stack.parts) noteExit(part);
  recordSupervisor(dirs);

  const recover = async (name: string) => {
    await sleep(100); // lets the child's exit event (its code or signal) arrive first
    const recovery: Recovery = { part: name, diedAt: Date.now(), exit: exits.get(name) ?? 'exit unknown' };
    recoveries.push(recovery);
    log(`! ${new Date().toISOString()} ${name} died (${recovery.exit}); restarting`);
    // Only a crash loop counts against the part: one that stayed up a while starts afresh.
    if (recovery.diedAt - (backAt.get(name) ?? 0) > settings.stableMs) attempts.delete(name);
    while (!stopped) {
      const recent = (attempts.get(name) ?? []).filter((at) => Date.now() - at < settings.windowMs);
      if (recent.length >= settings.maxAttempts) {
        recovery.leftDown = true;
        leftDown.add(name);
        log(`✗ ${new Date().toISOString()} ${name} died ${recent.length} times; left down`);
        return;
      }
      await sleep(settings.baseDelayMs * 2 ** recent.length);
      if (stopped) return;
      attempts.set(name, [...recent, Date.now()]);
      exits.delete(name);
      if (await restartOnce(name, recent.length + 1, recovery)) return;
    }
  };

  const restartOnce = async (name: string, attempt: number, recovery: Recovery): Promise<boolean> => {
    try {
      const part = await restartPart(stack, name, launches.get(name));
      noteExit(part);
      replacePart(stack, part);
      recovery.backAt = Date.now();
      backAt.set(name, recovery.backAt);
      const after = ((recovery.backAt - recovery.diedAt) / 1000).toFixed(1);
      log(`✓ ${new Date().toISOString()} ${name} is back (${after}s after it died, attempt ${attempt})`);
      busy.delete(name);
      return true;
    } catch (error) {
      log(
        `! ${new Date().toISOString()} ${name}: restart attempt ${attempt} failed: ${(error as Error).message}`,
      );
      const leftover = readPidFile(dirs.run, name);
      if (leftover) await stopPart(dirs.run, leftover, { graceMs: 5000 });
      return false;
    }
  };

  const noteLaunch = (name: string, pid: number) => {
    if (launches.get(name)?.pid === pid || kindOf(stack.settings, name) !== 'service') return;
    const launch = launchOf(pid);
    if (launch) launches.set(name, launch);
  };

  const check = () => {
    if (stopped) return;
    for (const name of startedInOrder(dirs)) {
      if (busy.has(name)) continue;
      const part = readPidFile(dirs.run, name);
      if (part && isAlive(part.pid)) {
        noteLaunch(name, part.pid);
        continue;
      }
      if (!part || isBeingStopped(dirs.run, name)) continue;
      busy.add(name);
      void recover(name);
    }
  };
  const timer = setInterval(check, settings.pollMs);
  return {
    recoveries,
    leftDown,
    stop() {
      stopped = true;
      clearInterval(timer);
      forgetSupervisor(dirs);
    },
  };
}

function replacePart(stack: Stack, part: RunningPart): void {
  const index = stack.parts.findIndex((candidate) => candidate.name === part.name);
  if (index >= 0) stack.parts[index] = part;
}
