// npm run bench -- profile: where the CPU of one order goes in the hosted layout. Runs the hosted
// stack, warms it up, then records a CPU profile of the process hosting the services (V8's sampling
// profiler through the inspector, which SIGUSR1 opens on 127.0.0.1:9229) while orders arrive at
// BENCH_PROFILE_RATE (default 20)/s for BENCH_SECONDS (default 20) s, and prints the self time by
// package and the top functions. Over the same window the JDK's Flight Recorder samples Kafka and Kafka
// Connect (`jcmd`, `jfr`): their CPU by thread and by the frames of their own code it passes through.
// Writes no figures into docs/: it is a tool for finding what to cut.
// BENCH_PROFILE_ENV (JSON) adds to every service's environment, e.g. '{"OTEL_SDK_DISABLED":"true"}'.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaNodeNames } from '../infra/src/kafka.ts';
import { localDir } from '../infra/src/paths.ts';
import { measureFlow, prepareShop } from './lib/flow.ts';
import { startJfr, stopJfr } from './lib/jfr.ts';
import { withBenchStack } from './lib/stack.ts';

const rate = Number(process.env.BENCH_PROFILE_RATE ?? 20);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const dir = join(localDir, 'profiles');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package (or our folder) a script belongs to. */
function ownerOf(url: string): string {
  if (url === '') return '(native/gc/idle)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return url;
  const ours = url.match(/\/(packages|services|infra)\/([^/]+)\//);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

function summarise(file: string, profile: Profile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const micros = profile.timeDeltas[i] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    total += micros;
    const owner = ownerOf(node.callFrame.url);
    owners.set(owner, (owners.get(owner) ?? 0) + micros);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${owner}:${node.callFrame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  });
  const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s busy`);
  for (const [owner, micros] of top(owners, 25)) {
    console.log(`  ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${owner}`);
  }
  console.log('  top functions (self):');
  for (const [name, micros] of top(functions, 30)) {
    console.log(`  ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${name}`);
  }
}

/** A minimal Chrome DevTools Protocol session with the inspector of process `pid`. */
async function inspect(pid: number) {
  process.kill(pid, 'SIGUSR1');
  await sleep(1000);
  const targets = (await (await fetch('http://127.0.0.1:9229/json/list')).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (url === undefined) throw new Error(`no inspector target in process ${pid}`);
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let next = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.onmessage = (message) => {
    const reply = JSON.parse(String(message.data)) as { id?: number; result?: unknown };
    if (reply.id !== undefined) pending.get(reply.id)?.(reply.result);
  };
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = ++next;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close() };
}

export async function profile(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await withBenchStack(
    async (settings) => {
      const shop = await prepareShop(settings, 200);
      await measureFlow(settings, shop, {
        rate,
        seconds: 30,
        eventType: 'OrderShipped',
        drainMs: 10_000,
      });
      const pid = Number(
        execFileSync('pgrep', ['-f', 'infra/src/host.ts'], { encoding: 'utf8' }).split('\n')[0],
      );
      const session = await inspect(pid);
      await session.send('Profiler.enable');
      await session.send('Profiler.setSamplingInterval', { interval: 500 });
      await session.send('Profiler.start');
      const jvms = [...kafkaNodeNames(settings), 'connect'].map((part) =>
        startJfr(settings, part, join(dir, `${part}-${rate}.jfr`)),
      );
      const r = await measureFlow(settings, shop, {
        rate,
        seconds,
        eventType: 'OrderShipped',
        drainMs: 10_000,
      });
      const { profile } = (await session.send('Profiler.stop')) as { profile: Profile };
      session.close();
      for (const recording of jvms) stopJfr(recording, /^(kafka\.|org\.apache\.kafka\.|io\.debezium\.)/);
      console.log(
        `${rate}/s for ${seconds} s: p50 ${r.latency.p50.toFixed(0)} ms, shipped ${(r.completionRate * 100).toFixed(1)} %`,
      );
      const file = join(dir, `host-${rate}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      summarise(file, profile);
    },
    {
      layout: 'hosted',
      serviceEnv: process.env.BENCH_PROFILE_ENV ? JSON.parse(process.env.BENCH_PROFILE_ENV) : {},
    },
  );
}
