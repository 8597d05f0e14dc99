// While `npm start` runs in the foreground it keeps the services up: a service process that
// exits unexpectedly is started again with backoff (at most 5 times a minute, then it is left
// down and reported). The JVMs and PostgreSQL are not restarted: their failure needs a look.
import type { RunningPart } from './proc.ts';
import { type Stack, startProcess } from './stack.ts';

export function superviseServices(stack: Stack): { stop(): void } {
  let stopped = false;
  const restarts = new Map<string, number[]>();
  const keepAlive = setInterval(() => {}, 60_000);

  const watch = (part: RunningPart) => {
    part.child?.once('exit', (code, signal) => {
      if (stopped) return;
      const service = stack.processes.find((candidate) => candidate.part === part.name);
      if (!service) {
        console.error(`✗ ${part.name} exited (${signal ?? code}); see ${part.logFile}`);
        return;
      }
      const recent = (restarts.get(part.name) ?? []).filter((at) => Date.now() - at < 60_000);
      if (recent.length >= 5) {
        console.error(`✗ ${part.name} keeps exiting; left down. See ${part.logFile}`);
        return;
      }
      restarts.set(part.name, [...recent, Date.now()]);
      console.error(`! ${part.name} exited (${signal ?? code}); restarting. See ${part.logFile}`);
      setTimeout(
        () => {
          if (stopped) return;
          const next = startProcess(service, stack.dirs);
          stack.parts[stack.parts.indexOf(part)] = next;
          watch(next);
        },
        1000 * 2 ** recent.length,
      );
    });
  };
  for (const part of stack.parts) watch(part);
  return {
    stop() {
      stopped = true;
      clearInterval(keepAlive);
    },
  };
}
