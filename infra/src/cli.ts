// npm start                      → start the whole dev stack in the foreground; Ctrl-C stops it all
// npm run stack -- stop          → stop a stack started elsewhere (e.g. another terminal)
// npm run stack -- status        → every part: running or not, pid, port, log file
// npm run stack -- logs <part>   → the last lines of one part's log (-f to follow)
// Add --test to act on the test stack (npm test's own ports and data) instead of the dev stack.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { serviceInstances } from './apphost.ts';
import { stackDirs } from './paths.ts';
import { isAlive, logFileOf, readPid } from './proc.ts';
import {
  bootstrapServers,
  connectUrl,
  databaseUrl,
  loadSettings,
  type Profile,
  type StackSettings,
} from './settings.ts';
import { runningParts, type Stack, startStack, stopStack } from './stack.ts';
import { superviseServices } from './supervise.ts';

function addresses(s: StackSettings): [string, string][] {
  return [
    ['Gateway (HTTP API)', `http://127.0.0.1:${s.gateway.port}/api/v1`],
    ['API docs', `http://127.0.0.1:${s.gateway.port}/api/docs`],
    ['Events (AsyncAPI)', `http://127.0.0.1:${s.gateway.port}/api/asyncapi.json`],
    ['Kafka', bootstrapServers(s)],
    ['Kafka Connect REST', connectUrl(s)],
    ['PostgreSQL', databaseUrl(s)],
    ['Logs', stackDirs(s.home).logs],
  ];
}

function printAddresses(stack: Stack): void {
  const rows = addresses(stack.settings);
  for (const inst of stack.instances)
    rows.splice(rows.length - 1, 0, [`  ${inst.part}`, `http://127.0.0.1:${inst.port}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('\nmicroshop is running:');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log('\nCtrl-C stops everything.');
}

async function start(s: StackSettings): Promise<void> {
  console.log(`Starting the ${s.profile} stack in ${s.home}`);
  const t0 = performance.now();
  const stack = await startStack(s);
  console.log(`  started in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
  printAddresses(stack);
  const supervisor = superviseServices(stack);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    supervisor.stop();
    await stopStack(s);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));
}

function status(s: StackSettings): void {
  const dirs = stackDirs(s.home);
  const running = new Set(runningParts(dirs));
  const known = ['postgres', 'kafka', 'connect', ...serviceInstances(s).map((i) => i.part)];
  for (let i = 1; i <= s.kafka.nodes && s.kafka.nodes > 1; i++) known.push(`kafka-${i}`);
  console.log(`${s.profile} stack (${s.home})`);
  for (const name of known) {
    const rec = readPid(dirs.run, name);
    const alive = rec !== undefined && isAlive(rec.pid);
    if (!alive && !existsSync(logFileOf(dirs.logs, name))) continue;
    const state = alive && running.has(name) ? `running  pid ${rec?.pid}` : 'stopped';
    console.log(`  ${name.padEnd(20)} ${state.padEnd(20)} ${logFileOf(dirs.logs, name)}`);
  }
}

function logs(s: StackSettings, part: string | undefined, follow: boolean): void {
  if (!part) throw new Error('usage: npm run stack -- logs <part> [-f]   (parts: npm run stack -- status)');
  const file = logFileOf(stackDirs(s.home).logs, part);
  if (!existsSync(file)) throw new Error(`no log for ${part}: ${file}`);
  spawn('tail', ['-n', '200', ...(follow ? ['-F'] : []), file], { stdio: 'inherit' });
}

async function main(argv: string[]): Promise<void> {
  const profile: Profile = argv.includes('--test') ? 'test' : 'dev';
  const args = argv.filter((a) => a !== '--test');
  const s = loadSettings(profile);
  const [command, ...rest] = args;
  switch (command) {
    case 'start':
      return start(s);
    case 'stop':
      return stopStack(s);
    case 'status':
      return status(s);
    case 'logs':
      return logs(
        s,
        rest.find((a) => !a.startsWith('-')),
        rest.includes('-f'),
      );
    default:
      console.log('usage: npm run stack -- start|stop|status|logs <part> [-f] [--test]');
      process.exitCode = command ? 1 : 0;
  }
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`\n✗ ${err.message}`);
  process.exit(1);
});
