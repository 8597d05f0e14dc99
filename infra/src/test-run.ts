// `npm test`: start a fresh test stack (its own ports and data, never the dev stack's), run every
// test file with node:test against it, stop the stack, exit with the tests' status.
// Unit tests need no stack; integration (.int) and end-to-end (.e2e) tests get its addresses
// through the environment. The node:test summary is the last thing printed.
import { spawn } from 'node:child_process';
import { globSync } from 'node:fs';
import { relative } from 'node:path';
import { repoRoot } from './paths.ts';
import { superuserUrl } from './postgres.ts';
import { bootstrapServers, connectUrl, databaseUrl, loadSettings } from './settings.ts';
import { startStack, stopStack } from './stack.ts';

const patterns = [
  'packages/*/test/**/*.test.ts',
  'services/*/test/**/*.test.ts',
  'infra/test/**/*.test.ts',
  'console/test/**/*.test.ts',
];

function testFiles(filter: string[]): string[] {
  const all = patterns.flatMap((p) => globSync(p, { cwd: repoRoot })).sort();
  return filter.length === 0 ? all : all.filter((f) => filter.some((x) => f.includes(x)));
}

async function main(): Promise<number> {
  const filter = process.argv.slice(2);
  const files = testFiles(filter);
  const needsStack = files.some((f) => !f.endsWith('.unit.test.ts'));
  const s = loadSettings('test');
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (needsStack) {
    console.log(
      `Starting the test stack in ${relative(repoRoot, s.home)} (logs in ${relative(repoRoot, s.home)}/logs)`,
    );
    const t0 = performance.now();
    await stopStack(s, () => {}); // leftovers of an interrupted run
    await startStack(s, { fresh: true });
    console.log(`Test stack up in ${((performance.now() - t0) / 1000).toFixed(1)}s\n`);
    Object.assign(env, {
      KAFKA_BOOTSTRAP_SERVERS: bootstrapServers(s),
      DATABASE_URL: databaseUrl(s),
      DATABASE_SUPERUSER_URL: superuserUrl(s, s.pg.database),
      CONNECT_URL: connectUrl(s),
      GATEWAY_URL: `http://127.0.0.1:${s.gateway.port}`,
      MICROSHOP_TEST_HOME: s.home,
    });
  }
  const args = ['--test', '--test-concurrency=4', '--test-timeout=180000', ...files];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: 'inherit' });
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
  });
  if (needsStack) await stopStack(s, () => {});
  return code;
}

main().then(
  (code) => process.exit(code),
  async (err: Error) => {
    console.error(`\n✗ ${err.message}`);
    process.exit(1);
  },
);
