// `npm test`: start a fresh test stack (its own ports and data, never the dev stack's), run every
// test file with node:test against it, stop the stack, exit with the tests' status.
// Unit tests need no stack; integration (.int) and end-to-end (.e2e) tests get its addresses
// through the environment. The node:test summary is the last thing printed.
import { spawn } from 'node:child_process';
import { appendFileSync, globSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot, type StackDirs } from './paths.ts';
import { superuserUrl } from './postgres.ts';
import { bootstrapServers, connectUrl, databaseUrl, gatewayUrl, loadSettings } from './settings.ts';
import { startStack, stopStack } from './stack.ts';
import { type Supervisor, superviseStack } from './supervise.ts';

const patterns = [
  'packages/*/test/**/*.test.ts',
  'services/*/test/**/*.test.ts',
  'infra/test/**/*.test.ts',
  'e2e/**/*.test.ts',
];

function testFiles(filter: string[]): string[] {
  const all = patterns.flatMap((pattern) => globSync(pattern, { cwd: repoRoot })).sort();
  return filter.length === 0 ? all : all.filter((file) => filter.some((part) => file.includes(part)));
}

let supervisor: Supervisor | undefined;

/** The supervisor's lines go to logs/supervisor.log: the test output stays the tests'. */
function logTo(dirs: StackDirs): (line: string) => void {
  return (line) => appendFileSync(join(dirs.logs, 'supervisor.log'), `${line}\n`);
}

// `npm run stack -- stop --test` from another terminal ends the run (its supervisor) as it ends `npm start`.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    supervisor?.stop();
    void stopStack(loadSettings('test'), () => {}).finally(() => process.exit(1));
  });

async function main(): Promise<number> {
  const filter = process.argv.slice(2);
  const files = testFiles(filter);
  const needsStack = files.some((file) => !file.endsWith('.unit.test.ts'));
  // Integration tests start the processes they test themselves: the services run only for e2e tests.
  const needsServices = files.some((file) => file.includes('.e2e.'));
  const settings = loadSettings('test');
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (needsStack) {
    const home = relative(repoRoot, settings.home);
    console.log(`Starting the test stack in ${home} (logs in ${home}/logs)`);
    const startedAt = performance.now();
    await stopStack(settings, () => {}); // leftovers of an interrupted run
    const stack = await startStack(settings, { fresh: true, ...(needsServices ? {} : { services: [] }) });
    // The stack restarts what dies, as `npm start` does (the serial fault tests rely on it).
    if (needsServices) supervisor = superviseStack(stack, { log: logTo(stack.dirs) });
    console.log(`Test stack up in ${((performance.now() - startedAt) / 1000).toFixed(1)}s\n`);
    Object.assign(env, {
      KAFKA_BOOTSTRAP_SERVERS: bootstrapServers(settings),
      DATABASE_URL: databaseUrl(settings),
      DATABASE_SUPERUSER_URL: superuserUrl(settings, settings.pg.database),
      CONNECT_URL: connectUrl(settings),
      GATEWAY_URL: gatewayUrl(settings),
      MICROSHOP_TEST_HOME: settings.home,
    });
  }
  // Files named *.serial.* disturb the whole stack (e.g. kill Kafka Connect): they run alone, after the rest.
  const parallel = files.filter((file) => !file.includes('.serial.'));
  const serial = files.filter((file) => file.includes('.serial.'));
  const totals = { passed: 0, failed: 0 };
  let code = 0;
  for (const [batch, concurrency] of [
    [parallel, 4],
    [serial, 1],
  ] as const) {
    if (batch.length === 0) continue;
    const result = await runNodeTest(batch, concurrency, env);
    totals.passed += result.passed;
    totals.failed += result.failed;
    code ||= result.code;
  }
  supervisor?.stop();
  if (needsStack) await stopStack(settings, () => {});
  if (serial.length > 0 && parallel.length > 0)
    console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed`);
  return code;
}

/** Runs node:test on `files`, echoing its output, and reads the pass/fail counts of its summary. */
function runNodeTest(
  files: string[],
  concurrency: number,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; passed: number; failed: number }> {
  const args = [
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=180000',
    ...files,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString('utf8');
    });
    child.on('exit', (exitCode, signal) => {
      // The summary is followed by the details of failing tests: take the last summary line of each kind.
      const count = (label: string) =>
        Number([...output.matchAll(new RegExp(`^ℹ ${label} (\\d+)$`, 'gm'))].at(-1)?.[1] ?? 0);
      resolve({
        code: exitCode ?? (signal ? 1 : 0),
        passed: count('pass'),
        failed: count('fail') + count('cancelled'),
      });
    });
  });
}

main().then(
  (code) => process.exit(code),
  async (error: Error) => {
    console.error(`\n✗ ${error.message}`);
    process.exit(1);
  },
);
