// The bookkeeping of a stack's started parts, in one place. Each part leaves a pid file (proc.ts);
// this module adds the order they started in (run/parts, one name a line), so `npm run stack --
// status` and `stop`, run from another terminal, know which parts are running and stop them newest
// first: the services before Kafka Connect, Kafka and PostgreSQL.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackDirs } from './paths.ts';
import { isAlive, type PartPid, partsWithPidFile, type RunningPart, readPidFile } from './proc.ts';

function startOrderFile(dirs: StackDirs): string {
  return join(dirs.run, 'parts');
}

/** Records `parts` as everything the stack has started so far, oldest first (replacing an older record). */
export function recordStarted(dirs: StackDirs, parts: readonly RunningPart[]): void {
  writeFileSync(startOrderFile(dirs), parts.map((part) => part.name).join('\n'));
}

/** The recorded part names, oldest first. */
export function startedInOrder(dirs: StackDirs): string[] {
  const file = startOrderFile(dirs);
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** The recorded parts whose process is alive, oldest first. */
export function runningParts(dirs: StackDirs): PartPid[] {
  return startedInOrder(dirs).flatMap((name) => {
    const part = readPidFile(dirs.run, name);
    return part !== undefined && isAlive(part.pid) ? [part] : [];
  });
}

/**
 * The order to stop the parts in: first any part with a pid file that never got recorded (one that
 * was spawned and failed its readiness check), then the recorded ones, newest first.
 */
export function stopOrder(dirs: StackDirs): string[] {
  const recorded = startedInOrder(dirs).reverse();
  const unrecorded = partsWithPidFile(dirs.run).filter((name) => !recorded.includes(name));
  return [...unrecorded, ...recorded];
}

/** Drops the record once every part is stopped. */
export function forgetStarted(dirs: StackDirs): void {
  rmSync(startOrderFile(dirs), { force: true });
}

// The process that supervises the stack (`npm start`, or the test runner) leaves its pid here, so
// `npm run stack -- stop` from another terminal ends it first: it stops the parts itself, and no
// part is restarted while they stop.
function supervisorFile(dirs: StackDirs): string {
  return join(dirs.run, 'supervisor.pid');
}

export function recordSupervisor(dirs: StackDirs): void {
  writeFileSync(supervisorFile(dirs), `${process.pid}\n`);
}

export function forgetSupervisor(dirs: StackDirs): void {
  const pid = runningSupervisorPid(dirs);
  if (pid === undefined || pid === process.pid) rmSync(supervisorFile(dirs), { force: true });
}

/** The pid of the stack's supervisor if one runs (this process's own pid included). */
export function runningSupervisorPid(dirs: StackDirs): number | undefined {
  const file = supervisorFile(dirs);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}
