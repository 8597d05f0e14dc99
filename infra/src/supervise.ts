// While `npm start` (or the test runner, or the chaos run) holds the stack, it keeps every part up:
// PostgreSQL, each Kafka node, Kafka Connect and every service process. A part that dies outside
// shutdown — its process gone while its pid file is there and no stop was asked for it (proc.ts's
// "stopping" marker) — is started again with backoff (1 s, 2 s, 4 s, …) and logged: what died, its
// exit code or signal, when it is back. A part that dies `maxAttempts` times within `windowMs`, each
// time within `stableMs` of being back (a crash loop), is left down and reported. A part started again
// is waited for as long as it is alive and still writing its log (proc.ts waitUntil): a JVM that needs
// minutes on a loaded machine is not killed and started from scratch. Detection polls the pid files,
// so a part some other process started again (a test that restarted it) is watched too.
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
  return new StackSupervisor(stack, options);
}

const defaults = { maxAttempts: 5, windowMs: 600_000, stableMs: 60_000, pollMs: 500, baseDelayMs: 1000 };

function now(): string {
  return new Date().toISOString();
}

class StackSupervisor implements Supervisor {
  readonly recoveries: Recovery[] = [];
  readonly leftDown = new Set<string>();
  private readonly settings: typeof defaults;
  private readonly log: (line: string) => void;
  /** How each part's process exited, when this process is its parent (its exit event says). */
  private readonly exits = new Map<string, string>();
  /** Parts being restarted or left down: not looked at again. */
  private readonly busy = new Set<string>();
  private readonly attempts = new Map<string, number[]>();
  private readonly backAt = new Map<string, number>();
  // How each service process was last launched, read while it runs: it is started again the same way.
  private readonly launches = new Map<string, Launch>();
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  private readonly stack: Stack;

  constructor(stack: Stack, options: SupervisorOptions) {
    this.stack = stack;
    this.settings = { ...defaults, ...options };
    this.log = options.log ?? ((line: string) => console.error(line));
    for (const part of stack.parts) this.noteExit(part);
    recordSupervisor(stack.dirs);
    this.timer = setInterval(() => this.check(), this.settings.pollMs);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    forgetSupervisor(this.stack.dirs);
  }

  private check(): void {
    const { run } = this.stack.dirs;
    for (const name of startedInOrder(this.stack.dirs)) {
      if (this.stopped || this.busy.has(name)) continue;
      const part = readPidFile(run, name);
      if (part && isAlive(part.pid)) this.noteLaunch(name, part.pid);
      else if (part && !isBeingStopped(run, name)) {
        this.busy.add(name);
        void this.recover(name);
      }
    }
  }

  private noteExit(part: RunningPart): void {
    part.child?.once('exit', (code, signal) =>
      this.exits.set(part.name, signal ? `signal ${signal}` : `code ${code}`),
    );
  }

  private noteLaunch(name: string, pid: number): void {
    if (this.launches.get(name)?.pid === pid || kindOf(this.stack.settings, name) !== 'service') return;
    const launch = launchOf(pid);
    if (launch) this.launches.set(name, launch);
  }

  private async recover(name: string): Promise<void> {
    await sleep(100); // lets the child's exit event (its code or signal) arrive first
    const recovery: Recovery = {
      part: name,
      diedAt: Date.now(),
      exit: this.exits.get(name) ?? 'exit unknown',
    };
    this.recoveries.push(recovery);
    this.log(`! ${now()} ${name} died (${recovery.exit}); restarting`);
    // Only a crash loop counts against the part: one that stayed up a while starts afresh.
    if (recovery.diedAt - (this.backAt.get(name) ?? 0) > this.settings.stableMs) this.attempts.delete(name);
    while (!this.stopped) {
      const recent = (this.attempts.get(name) ?? []).filter((at) => Date.now() - at < this.settings.windowMs);
      if (recent.length >= this.settings.maxAttempts) {
        recovery.leftDown = true;
        this.leftDown.add(name);
        this.log(`✗ ${now()} ${name} died ${recent.length} times; left down`);
        return;
      }
      await sleep(this.settings.baseDelayMs * 2 ** recent.length);
      if (this.stopped) return;
      this.attempts.set(name, [...recent, Date.now()]);
      this.exits.delete(name);
      if (await this.restartOnce(name, recent.length + 1, recovery)) return;
    }
  }

  private async restartOnce(name: string, attempt: number, recovery: Recovery): Promise<boolean> {
    try {
      const part = await restartPart(this.stack, name, this.launches.get(name));
      this.noteExit(part);
      replacePart(this.stack, part);
      recovery.backAt = Date.now();
      this.backAt.set(name, recovery.backAt);
      const after = ((recovery.backAt - recovery.diedAt) / 1000).toFixed(1);
      this.log(`✓ ${now()} ${name} is back (${after}s after it died, attempt ${attempt})`);
      this.busy.delete(name);
      return true;
    } catch (error) {
      this.log(`! ${now()} ${name}: restart attempt ${attempt} failed: ${(error as Error).message}`);
      const leftover = readPidFile(this.stack.dirs.run, name);
      if (leftover) await stopPart(this.stack.dirs.run, leftover, { graceMs: 5000 });
      return false;
    }
  }
}

function replacePart(stack: Stack, part: RunningPart): void {
  const index = stack.parts.findIndex((candidate) => candidate.name === part.name);
  if (index >= 0) stack.parts[index] = part;
}
