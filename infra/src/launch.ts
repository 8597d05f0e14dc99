// How a running process was launched: its command line, environment and working directory, read
// from /proc while it runs. The supervisor starts a dead service process again as it was last
// launched, so a part someone started with other settings (a test that runs a service with other
// deadlines, an operator's override) comes back with them, not with the stack's defaults.
// Linux only; elsewhere nothing is read and the stack's own launch is used.
import { readFileSync, readlinkSync } from 'node:fs';

export interface Launch {
  pid: number;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

function nulSeparated(file: string): string[] {
  return readFileSync(file, 'utf8').split('\0').filter(Boolean);
}

/** The launch of `pid`, or undefined if it cannot be read (gone, not Linux, not ours). */
export function launchOf(pid: number): Launch | undefined {
  try {
    const [command, ...args] = nulSeparated(`/proc/${pid}/cmdline`);
    if (command === undefined) return undefined;
    const env: NodeJS.ProcessEnv = {};
    for (const entry of nulSeparated(`/proc/${pid}/environ`)) {
      const at = entry.indexOf('=');
      if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
    }
    return { pid, command, args, env, cwd: readlinkSync(`/proc/${pid}/cwd`) };
  } catch {
    return undefined;
  }
}
