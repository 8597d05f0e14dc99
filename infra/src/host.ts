// `node infra/src/host.ts`: the process that runs several services of the stack (the `hosted` layout,
// see apphost.ts). Which ones, and each one's environment, come in MICROSHOP_HOSTED as JSON:
// [{ "service": "orders", "env": { "HTTP_PORT": "8101", … } }, …]. Each keeps its own config, schema,
// consumer groups, port and logger; they share the process.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type HostedService, runHost, type ServiceDefinition } from '@microshop/platform';
import { hostedVariable, hostNameVariable } from './apphost.ts';
import { repoRoot } from './paths.ts';

interface HostedEntry {
  service: string;
  env: Record<string, string>;
}

function hostedEntries(): HostedEntry[] {
  const text = process.env[hostedVariable];
  if (text === undefined) throw new Error(`${hostedVariable} names no services to host`);
  return JSON.parse(text) as HostedEntry[];
}

async function definitionOf(service: string): Promise<ServiceDefinition> {
  const entry = pathToFileURL(join(repoRoot, 'services', service, 'src', 'main.ts')).href;
  const module = (await import(entry)) as { service?: ServiceDefinition };
  if (!module.service) throw new Error(`services/${service}/src/main.ts exports no service definition`);
  return module.service;
}

const hosted: HostedService[] = await Promise.all(
  hostedEntries().map(async ({ service, env }) => ({
    definition: await definitionOf(service),
    env: { ...process.env, ...env },
  })),
);
await runHost(process.env[hostNameVariable] ?? 'services', hosted);
