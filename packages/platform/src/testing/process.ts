import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { CleanupRegistrar } from './schema.ts';

/**
 * Runs a service as the stack runner does: `node <main>` with its environment on a free port, until
 * GET /ready answers 200. For the tests that check the wiring itself (config, start order, clean
 * stop); everything else builds the app in-process and uses `inject`.
 */

export interface RunningService {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** What the process wrote to stdout and stderr so far, in chunks. */
  output: string[];
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export interface StartServiceOptions {
  /** How long the process may take to become ready; default 90 s. */
  readyTimeoutMs?: number;
}

/**
 * Starts `main` (a path or file URL) with `env` over this process's environment and `HTTP_PORT`
 * set to a free port. The process is killed after the test if it is still running; a process that
 * exits or is not ready in time fails the start with what it wrote.
 */
export async function startService(
  main: string | URL,
  env: Record<string, string>,
  t: CleanupRegistrar,
  options: StartServiceOptions = {},
): Promise<RunningService> {
  const port = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [main instanceof URL ? fileURLToPath(main) : main], {
    env: { ...process.env, ...env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const base = `http://127.0.0.1:${port}`;
  // Generous: a loaded machine may take long to load a service's modules; a hang still fails.
  await untilReady(base, child, output, options.readyTimeoutMs ?? 90_000);
  return {
    base,
    output,
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** GET `url` as JSON (with `headers`, e.g. a bearer token): the status and body, or null while nothing listens there. */
export async function fetchJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown } | null> {
  try {
    const response = await fetch(url, { headers });
    return { status: response.status, body: await response.json() };
  } catch {
    return null; // not listening yet
  }
}

async function untilReady(base: string, child: ChildProcess, output: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let lastAnswer = 'nothing listening';
  for (;;) {
    const answer = await fetch(`${base}/ready`).then(
      async (response) => ({ status: response.status, body: await response.text() }),
      () => ({ status: 0, body: 'nothing listening' }),
    );
    if (answer.status === 200) return;
    lastAnswer = answer.status === 0 ? answer.body : `${answer.status} ${answer.body}`;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `exited (${child.exitCode ?? child.signalCode}) before ready; the process wrote:\n${output.join('')}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(`never ready (last /ready: ${lastAnswer}); the process wrote:\n${output.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
