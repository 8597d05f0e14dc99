// `npm run new-service` end to end. It refuses a name it must not take, writing nothing; and a service
// it makes — in a scratch tree beside the repository (its own services/ folder and a link to the
// repository's node_modules), so the real tree never holds a half-made service — type-checks, passes
// Biome with the repository's rules, and passes its own unit and integration tests (the latter
// against the test stack's PostgreSQL, like every service's).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createService, nameProblem, nextSteps } from '../src/new-service.ts';
import { repoRoot } from '../src/paths.ts';

const execFileAsync = promisify(execFile);
const bin = (tool: string) => join(repoRoot, 'node_modules', '.bin', tool);

/** The environment without node:test's marker, so a `node --test` started here runs its files. */
const { NODE_TEST_CONTEXT: _testContext, ...childEnv } = process.env;

/** Runs a command; its exit code and what it wrote, whether it failed or not. */
async function run(command: string, args: string[], cwd = repoRoot) {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd, env: childEnv, encoding: 'utf8' });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** A scratch tree that sees the repository's packages and type-checks and lints like it. */
async function scratchTree(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'microshop-new-service-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await symlink(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  const tsconfig = {
    extends: join(repoRoot, 'tsconfig.json'),
    include: ['services/*/src', 'services/*/test'],
  };
  await writeFile(join(root, 'tsconfig.json'), JSON.stringify(tsconfig));
  // The repository's lint rules (the domain purity rule among them) without its git ignore file.
  const biome = JSON.parse(await readFile(join(repoRoot, 'biome.json'), 'utf8'));
  delete biome.$schema;
  await writeFile(join(root, 'biome.json'), JSON.stringify({ ...biome, vcs: { enabled: false } }));
  return root;
}

describe('npm run new-service', () => {
  test('refuses a missing, malformed or taken name with a clear message and writes nothing', async () => {
    const refusals: [string[], RegExp][] = [
      [[], /usage: npm run new-service -- <name>/],
      [['Loyalty'], /"Loyalty" is not a service name: lower-case letters and digits/],
      [['loyalty--points'], /"loyalty--points" is not a service name/],
      [['2fast'], /"2fast" is not a service name/],
      [['fraud'], /services\/fraud exists already \(@microshop\/fraud is taken\)/],
      [['platform'], /packages\/platform exists already/],
      [['infra'], /@microshop\/infra is the stack runner/],
    ];
    for (const [args, message] of refusals) {
      const result = await run(process.execPath, ['infra/src/new-service.ts', ...args]);
      assert.equal(result.code, 1, result.output);
      assert.match(result.output, message);
    }
  });

  test('makes a service in the shape of CONTRIBUTING.md that type-checks, passes Biome and its own tests', async (t) => {
    const root = await scratchTree(t);

    const files = createService('loyalty-points', root);

    const service = 'services/loyalty-points';
    assert.deepEqual(
      files.sort(),
      [
        'README.md',
        'migrations/001_loyalty_points.sql',
        'package.json',
        'src/config.ts',
        'src/domain/tally.ts',
        'src/handlers/order-created.ts',
        'src/http/routes.ts',
        'src/http/schemas.ts',
        'src/main.ts',
        'src/store/tallies.ts',
        'test/harness.ts',
        'test/order-created.int.test.ts',
        'test/tally.unit.test.ts',
      ].map((file) => `${service}/${file}`),
    );
    const manifest = JSON.parse(await readFile(join(root, service, 'package.json'), 'utf8'));
    assert.equal(manifest.name, '@microshop/loyalty-points');
    const main = await readFile(join(root, service, 'src/main.ts'), 'utf8');
    assert.match(
      main,
      /export const service = defineService\(\{\n {2}name: 'loyalty-points',\n {2}config: loyaltyPointsConfig,/,
    );
    assert.match(nameProblem('loyalty-points', root) ?? '', /services\/loyalty-points exists already/);
    assert.match(
      nextSteps('loyalty-points'),
      /npm install: links the new workspace @microshop\/loyalty-points[\s\S]*infra\/src\/apphost\.ts/,
    );

    const typecheck = await run(bin('tsc'), ['-p', join(root, 'tsconfig.json')]);
    assert.equal(typecheck.code, 0, typecheck.output);
    const lint = await run(bin('biome'), ['check', 'services'], root);
    assert.equal(lint.code, 0, lint.output);
    const tests = await run(
      process.execPath,
      ['--test', '--test-reporter=spec', `${service}/test/*.test.ts`],
      root,
    );
    assert.equal(tests.code, 0, tests.output);
    assert.match(tests.output, /ℹ pass 6\nℹ fail 0/);
  });
});
