// npm start                      → start the whole dev stack in the foreground; Ctrl-C stops it all
// npm start -- --split           → the same with one process per service instance (default: hosted)
// npm run stack -- stop          → stop a stack started elsewhere (e.g. another terminal), its
//                                  supervisor (the `npm start` process) included
// npm run stack -- status        → every part: running or not, pid, port, log file
// npm run stack -- logs <part>   → the last lines of one part's log (-f to follow)
// Add --test to act on the test stack (npm test's own ports and data) instead of the dev stack.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { devOperatorAccount } from '@microshop/platform/pure';
import { serviceInstances, serviceProcesses } from './apphost.ts';
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
import { runningParts, runningSupervisorPid } from './started-parts.ts';
import { superviseStack } from './supervise.ts';

function addresses(settings: StackSettings): [string, string][] {
  return [
    ['Storefront', `${gatewayUrl(settings)}/`],
    ['Operator console', `${gatewayUrl(settings)}/console`],
    ['Gateway (HTTP API)', `${gatewayUrl(settings)}/api/v1`],
    ['API docs', `${gatewayUrl(settings)}/api/docs`],
    ['Events (AsyncAPI)', `${gatewayUrl(settings)}/api/asyncapi.json`],
    ['Operator sign-in', operatorSignIn()],
    ['Kafka', bootstrapServers(settings)],
    ['Kafka Connect REST', connectUrl(settings)],
    ['PostgreSQL', `${databaseAddress(settings)} (passwords: ${secretsFile(settings)})`],
    ['Logs', stackDirs(settings.home).logs],
  ];
}

/** The operator account the customers service made: the dev one, or the environment's (its password unprinted). */
function operatorSignIn(): string {
  const email = process.env.MICROSHOP_OPERATOR_EMAIL || devOperatorAccount.email;
  const password = process.env.MICROSHOP_OPERATOR_PASSWORD
    ? '(the password in MICROSHOP_OPERATOR_PASSWORD)'
    : devOperatorAccount.password;
  return `${email} / ${password}  (POST /api/v1/auth/sign-in)`;
}

function printAddresses(stack: Stack): void {
  const rows = addresses(stack.settings);
  for (const service of stack.processes) {
    const hosted = service.instances.length > 1 || service.instances[0]?.part !== service.part;
    for (const instance of service.instances) {
      const where = hosted ? `  (process ${service.part})` : '';
      rows.splice(rows.length - 1, 0, [`  ${instance.part}`, `${instance.url}${where}`]);
    }
  }
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
  const supervisor = superviseStack(stack);
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
  const supervisor = runningSupervisorPid(dirs);
  if (supervisor !== undefined)
    console.log(`  ${'supervisor'.padEnd(20)} ${`running  pid ${supervisor}`.padEnd(20)}`);
  // The stack may have been started in either layout: list the parts of both that ran.
  const names = new Set([
    ...stackPartNames({ ...settings, layout: 'hosted' }),
    ...stackPartNames({ ...settings, layout: 'split' }),
  ]);
  for (const name of names) {
    const logFile = logFileOf(dirs.logs, name);
    const part = running.get(name);
    if (!part && !existsSync(logFile)) continue;
    const state = part ? `running  pid ${part.pid}` : 'stopped';
    console.log(`  ${name.padEnd(20)} ${state.padEnd(20)} ${logFile}`);
  }
}

/**
 * The tail of a part's log. A service instance of a hosted stack has no log of its own: its lines are
 * its host's (`services`, `services-1`, …) that carry its `"instance"`.
 */
function logs(settings: StackSettings, part: string | undefined, follow: boolean): void {
  if (!part) throw new Error('usage: npm run stack -- logs <part> [-f]   (parts: npm run stack -- status)');
  const logsDir = stackDirs(settings.home).logs;
  const file = logFileOf(logsDir, part);
  const followFlag = follow ? ['-F'] : [];
  if (existsSync(file)) {
    spawn('tail', ['-n', '200', ...followFlag, file], { stdio: 'inherit' });
    return;
  }
  const hostPart = serviceProcesses(serviceInstances(settings), settings.layout, settings.hosts).find(
    (process) => process.instances.some((instance) => instance.part === part),
  )?.part;
  const host = logFileOf(logsDir, hostPart ?? part);
  if (!existsSync(host)) throw new Error(`no log for ${part}: ${file}`);
  const ofInstance = `grep --line-buffered '"instance":"${part.replaceAll("'", '')}"'`;
  const last200 = follow ? '' : ' | tail -n 200';
  const command = `tail -n 20000 ${followFlag.join(' ')} ${JSON.stringify(host)} | ${ofInstance}${last200}`;
  spawn('sh', ['-c', command], { stdio: 'inherit' });
}

async function main(argv: string[]): Promise<void> {
  const profile: Profile = argv.includes('--test') ? 'test' : 'dev';
  const settings = loadSettings(profile);
  if (argv.includes('--split')) settings.layout = 'split';
  if (argv.includes('--hosted')) settings.layout = 'hosted';
  const flags = ['--test', '--split', '--hosted'];
  const [command, ...rest] = argv.filter((argument) => !flags.includes(argument));
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
      console.log('usage: npm run stack -- start [--split|--hosted]|stop|status|logs <part> [-f] [--test]');
      process.exitCode = command ? 1 : 0;
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`\n✗ ${error.message}`);
  process.exit(1);
});
