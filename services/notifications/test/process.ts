import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { CleanupRegistrar } from '@microshop/platform/testing';

// Runs the service as the stack runner does: `node src/main.ts` with its environment, until /ready.

export interface RunningService {
  base: string;
  output: string[];
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export async function startService(
  mainFile: string,
  env: Record<string, string>,
  t: CleanupRegistrar,
): Promise<RunningService> {
  const port = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [mainFile], {
    env: { ...process.env, ...env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const base = `http://127.0.0.1:${port}`;
  await untilReady(base, output);
  return {
    base,
    output,
    stop: async () => {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function untilReady(base: string, output: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await fetch(`${base}/ready`).then(
      (response) => response.status,
      () => 0, // not listening yet
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`never ready; the process wrote:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
