// npm run dlq -- list [--group g] [--service s] [--topic t] [--code c] [--status open,redriven] [--after cursor]
// npm run dlq -- show <id>
// npm run dlq -- redrive <id…> [--reason "…"]        or by filter: redrive --group g [--code c] [--confirm N]
// npm run dlq -- discard <id…> --reason "…"          or by filter: discard --group g --reason "…" [--confirm N]
// npm run dlq -- audit [--target <id>]
// Calls the operations service through the gateway, signed in as the operator (ops-client.ts).
// A filter acts only with --confirm <the count a dry run printed>. Add --test for the test stack.
import { type DeadLetterSummary, type OpsClient, opsClient } from './ops-client.ts';
import { loadSettings } from './settings.ts';

interface Args {
  positional: string[];
  options: Map<string, string>;
}

function parse(argv: readonly string[]): Args {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) positional.push(arg);
    else if (arg === '--test') options.set('test', 'true');
    else options.set(arg.slice(2), argv[++i] ?? '');
  }
  return { positional, options };
}

const filterNames = ['group', 'service', 'topic', 'code', 'status'];

function filterOf(args: Args): Record<string, string | string[]> {
  const filter: Record<string, string | string[]> = {};
  for (const name of filterNames) {
    const value = args.options.get(name);
    if (value !== undefined) filter[name] = name === 'status' ? value.split(',') : value;
  }
  return filter;
}

async function list(ops: OpsClient, args: Args): Promise<void> {
  const query = new URLSearchParams();
  for (const name of [...filterNames, 'after', 'before', 'limit']) {
    const value = args.options.get(name);
    if (value !== undefined) query.set(name, value);
  }
  const page = await ops.call<{ items: DeadLetterSummary[]; total: number; next: string | null }>(
    'GET',
    `/api/v1/ops/dead-letters?${query}`,
  );
  console.log(`${page.total} dead letter(s)`);
  for (const d of page.items) {
    const origin = `${d.origin.topic}[${d.origin.partition}]@${d.origin.offset}`;
    console.log(
      `${d.id}  ${d.status.padEnd(9)}  ${d.group}  ${origin}  ${d.code}  ×${d.failures}  ${d.lastFailedAt}`,
    );
    console.log(`    ${d.error.slice(0, 160)}`);
  }
  if (page.next !== null) console.log(`next page: npm run dlq -- list … --after ${page.next}`);
}

async function show(ops: OpsClient, id: string | undefined): Promise<void> {
  if (id === undefined) throw new Error('usage: npm run dlq -- show <id>');
  console.log(JSON.stringify(await ops.call('GET', `/api/v1/ops/dead-letters/${id}`), null, 2));
}

/** Redrive or discard: by ids, or by a filter once its count is confirmed; a redrive is followed until produced. */
async function act(ops: OpsClient, action: 'redrive' | 'discard', args: Args): Promise<void> {
  const ids = args.positional;
  const reason = args.options.get('reason');
  if (action === 'discard' && reason === undefined) throw new Error('discard needs --reason "…"');
  const selection = ids.length > 0 ? { ids } : { filter: filterOf(args) };
  if (ids.length === 0 && Object.keys(selection.filter ?? {}).length === 0) {
    throw new Error(`usage: npm run dlq -- ${action} <id…> | --group g [--code c] …`);
  }
  const confirm = args.options.get('confirm');
  const expectedCount = ids.length > 0 ? ids.length : confirm === undefined ? undefined : Number(confirm);
  const path = `/api/v1/ops/dead-letters/${action}`;
  if (expectedCount === undefined) {
    const dry = await ops.call<Answer>('POST', path, {
      ...selection,
      dryRun: true,
      ...(reason ? { reason } : {}),
    });
    console.log(
      `${dry.count} dead letter(s) match; to ${action} them, run again with --confirm ${dry.count}`,
    );
    return printWarnings(dry);
  }
  const answer = await ops.call<Answer>('POST', path, {
    ...selection,
    expectedCount,
    ...(reason ? { reason } : {}),
  });
  printWarnings(answer);
  if (answer.batchId === null)
    return console.log(`${action === 'discard' ? 'discarded' : action}: ${answer.count}`);
  await follow(ops, answer.batchId);
}

interface Answer {
  batchId: string | null;
  count: number;
  warnings: { deadLetterId: string; message: string }[];
}

function printWarnings(answer: Answer): void {
  for (const warning of answer.warnings) console.log(`! ${warning.deadLetterId}: ${warning.message}`);
}

async function follow(ops: OpsClient, batchId: string): Promise<void> {
  for (;;) {
    const batch = await ops.call<{ counts: Record<string, number>; done: boolean }>(
      'GET',
      `/api/v1/ops/redrives/${batchId}`,
    );
    const { pending, produced, resolved, cancelled } = batch.counts;
    console.log(
      `redrive ${batchId}: ${produced} produced, ${resolved} handled, ${pending} pending, ${cancelled} cancelled`,
    );
    if (batch.done) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

async function audit(ops: OpsClient, args: Args): Promise<void> {
  const target = args.options.get('target');
  const page = await ops.call<{ items: Record<string, unknown>[] }>(
    'GET',
    `/api/v1/ops/audit${target ? `?targetId=${target}` : ''}`,
  );
  for (const e of page.items) {
    console.log(
      `${e.at}  ${e.actor}  ${e.action}  ${e.targetType} ${e.targetId}  ${e.result}${e.reason ? `  (${e.reason})` : ''}`,
    );
  }
}

async function main(argv: string[]): Promise<void> {
  const args = parse(argv);
  const [command, ...rest] = args.positional;
  const rested = { ...args, positional: rest };
  const ops = async () => opsClient(loadSettings(args.options.has('test') ? 'test' : 'dev'));
  switch (command) {
    case 'list':
      return list(await ops(), rested);
    case 'show':
      return show(await ops(), rest[0]);
    case 'redrive':
    case 'discard':
      return act(await ops(), command, rested);
    case 'audit':
      return audit(await ops(), rested);
    default:
      console.log(
        'usage: npm run dlq -- list | show <id> | redrive <id…> | discard <id…> --reason "…" | audit [--test]',
      );
      process.exitCode = command ? 1 : 0;
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`\n✗ ${error.message}`);
  process.exit(1);
});
