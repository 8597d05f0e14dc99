// `npm run new-service -- <name>`: a new service in the one shape of CONTRIBUTING.md, made from the
// template files in infra/templates/service/ with the name filled in (`${NAME}`, `${SCHEMA}`, …, as in
// every other file infra renders). As made, it counts each customer's orders from OrderCreated, shows
// the count over HTTP, and its unit and integration tests pass: a working start to replace.
import { execFileSync } from 'node:child_process';
import { existsSync, globSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from './paths.ts';
import { renderTemplate } from './render.ts';

export const serviceTemplateDir = join(repoRoot, 'infra', 'templates', 'service');
const templateSuffix = '.tmpl';

/** Lower-case words joined by single hyphens, starting with a letter: `loyalty-points`. */
const serviceNamePattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Short enough for every name derived from it (schema, consumer group, client ids). */
const maxNameLength = 40;

/** The forms of the name the templates use. */
export function templateValues(name: string, root = repoRoot): Record<string, string> {
  const words = name.split('-');
  const capitalized = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return {
    NAME: name,
    SCHEMA: words.join('_'),
    CAMEL: (words[0] ?? '') + capitalized.slice(1).join(''),
    PASCAL: capitalized.join(''),
    PORT: String(nextDefaultPort(root)),
    ZOD_VERSION: platformDependency('zod'),
  };
}

/** Why `name` cannot be a new service under `root`, or undefined when it can. */
export function nameProblem(name: string | undefined, root = repoRoot): string | undefined {
  if (!name) return 'usage: npm run new-service -- <name>   (e.g. npm run new-service -- loyalty-points)';
  if (!serviceNamePattern.test(name) || name.length > maxNameLength) {
    return (
      `"${name}" is not a service name: lower-case letters and digits in words joined by single ` +
      `hyphens, starting with a letter, at most ${maxNameLength} characters (e.g. loyalty-points)`
    );
  }
  for (const taken of [join('services', name), join('packages', name)]) {
    if (existsSync(join(root, taken)))
      return `${taken} exists already (@microshop/${name} is taken): choose another name`;
  }
  if (name === 'infra') return '@microshop/infra is the stack runner: choose another name';
  return undefined;
}

/** Writes services/<name>/ under `root` from the templates; returns the files written, relative to it. */
export function createService(name: string, root = repoRoot): string[] {
  const problem = nameProblem(name, root);
  if (problem) throw new Error(problem);
  const values = templateValues(name, root);
  const serviceDir = join(root, 'services', name);
  const templates = globSync(`**/*${templateSuffix}`, { cwd: serviceTemplateDir }).sort();
  const files = templates.map((template) => {
    const target = join(serviceDir, renderTemplate(template.slice(0, -templateSuffix.length), values));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, renderTemplate(readFileSync(join(serviceTemplateDir, template), 'utf8'), values));
    return relative(root, target);
  });
  // Line breaks depend on the name's length: the formatter lays the code out as every file is.
  execFileSync(
    join(repoRoot, 'node_modules', '.bin', 'biome'),
    ['format', '--write', relative(root, serviceDir)],
    {
      cwd: root,
      stdio: 'pipe',
    },
  );
  return files;
}

/** One above the highest default HTTP port of the services (81xx), so a service run alone has its own. */
function nextDefaultPort(root: string): number {
  const ports = globSync('services/*/src/config.ts', { cwd: root }).flatMap((file) =>
    [...readFileSync(join(root, file), 'utf8').matchAll(/HTTP_PORT: envPort\((\d+)\)/g)].map((match) =>
      Number(match[1]),
    ),
  );
  return Math.max(8100, ...ports.filter((port) => port > 8100 && port < 8200)) + 1;
}

/** The version range the kit itself asks for, so a new service never pulls a second copy. */
function platformDependency(name: string): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', 'platform', 'package.json'), 'utf8'));
  const version = (manifest.dependencies as Record<string, string>)[name];
  if (!version) throw new Error(`packages/platform/package.json does not depend on ${name}`);
  return version;
}

export function nextSteps(name: string): string {
  return `
Next steps:
  1. npm install: links the new workspace @microshop/${name}.
  2. npm run test:unit, then npm test -- services/${name}: its tests pass.
  3. Add { name: '${name}', instances: 1, schema: '${name.replaceAll('-', '_')}' } to serviceSpecs in
     infra/src/apphost.ts (before the gateway) so the stack runs it, with a database role of its own
     that owns its schema. To reach it through the gateway, add it to the gateway's route table
     (serviceNames and routeTable in services/gateway/src/domain/routes.ts).
  4. Replace the tally (domain, table, route) with the service's own, and say what it owns, consumes,
     publishes and serves in its README.md and in docs/architecture.md.`;
}

if (import.meta.main) {
  const name = process.argv[2];
  const problem = nameProblem(name);
  if (problem || !name) {
    console.error(`✗ ${problem}`);
    process.exit(1);
  }
  const files = createService(name);
  console.log(`Created services/${name} (@microshop/${name}):`);
  for (const file of files) console.log(`  ${file}`);
  console.log(nextSteps(name));
}
