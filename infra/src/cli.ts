// npm start                      → start the whole dev stack in the foreground; Ctrl-C stops it all
// npm run stack -- stop          → stop a stack started elsewhere (e.g. another terminal)
// npm run stack -- status        → every part: running or not, pid, port, log file
// npm run stack -- logs <part>   → the last lines of one part's log (-f to follow)
// Add --test to act on the test stack (npm test's own ports and data) instead of the dev stack.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stackDirs } from './paths.ts';
import { logFileOf } from './proc.ts';
import { secretsFile } from './secrets.ts';
import {
  bootstrapServers,
  connectUrl,
  databaseAddress,
  gatewayUrl,
  loadSettings,
  type Profile,
  type StackSettings,
} from './settings.ts';
import { type Stack, stackPartNames, startStack, stopStack } from './stack.ts';
import { runningParts } from './started-parts.ts';
import { superviseServices } from './supervise.ts';

function addresses(settings: StackSettings): [string, string][] {
  return [
    ['Gateway (HTTP API)', `${gatewayUrl(settings)}/api/v1`],
    ['API docs', `${gatewayUrl(settings)}/api/docs`],
    ['Kafka', bootstrapServers(settings)],
    ['Kafka Connect REST', connectUrl(settings)],
    ['PostgreSQL', `${databaseAddress(settings)} (passwords: ${secretsFile(settings)})`],
    ['Logs', stackDirs(settings.home).logs],
  ];
}

function printAddresses(stack: Stack): void {
  const rows = addresses(stack.settings);
  for (const instance of stack.instances)
    rows.splice(rows.length - 1, 0, [`  ${instance.part}`, instance.url]);
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log('\nmicroshop is running:');
  for (const [label, address] of rows) console.log(`  ${label.padEnd(width)}  ${address}`);
  console.log('\nCtrl-C stops everything.');
}

async function start(settings: StackSettings): Promise<void> {
  console.log(`Starting the ${settings.profile} stack in ${settings.home}`);
  const startedAt = performance.now();
  const stack = await startStack(settings);
  console.log(`  started in ${((performance.now() - startedAt) / 1000).toFixed(1)}s`);
  printAddresses(stack);
  const supervisor = superviseServices(stack);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    supervisor.stop();
    await stopStack(settings);
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void shutdown(signal));
}

function status(settings: StackSettings): void {
  const dirs = stackDirs(settings.home);
  const running = new Map(runningParts(dirs).map((part) => [part.name, part]));
  console.log(`${settings.profile} stack (${settings.home})`);
  for (const name of stackPartNames(settings)) {
    const logFile = logFileOf(dirs.logs, name);
    const part = running.get(name);
    if (!part && !existsSync(logFile)) continue;
    const state = part ? `running  pid ${part.pid}` : 'stopped';
    console.log(`  ${name.padEnd(20)} ${state.padEnd(20)} ${logFile}`);
  }
}

function logs(settings: StackSettings, part: string | undefined, follow: boolean): void {
  if (!part) throw new Error('usage: npm run stack -- logs <part> [-f]   (parts: npm run stack -- status)');
  const file = logFileOf(stackDirs(settings.home).logs, part);
  if (!existsSync(file)) throw new Error(`no log for ${part}: ${file}`);
  spawn('tail', ['-n', '200', ...(follow ? ['-F'] : []), file], { stdio: 'inherit' });
}

async function main(argv: string[]): Promise<void> {
  const profile: Profile = argv.includes('--test') ? 'test' : 'dev';
  const settings = loadSettings(profile);
  const [command, ...rest] = argv.filter((argument) => argument !== '--test');
  switch (command) {
    case 'start':
      return start(settings);
    case 'stop':
      return stopStack(settings);
    case 'status':
      return status(settings);
    case 'logs':
      return logs(
        settings,
        rest.find((argument) => !argument.startsWith('-')),
        rest.includes('-f'),
      );
    default:
      console.log('usage: npm run stack -- start|stop|status|logs <part> [-f] [--test]');
      process.exitCode = command ? 1 : 0;
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`\n✗ ${error.message}`);
  process.exit(1);
});
