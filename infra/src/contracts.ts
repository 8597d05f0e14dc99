// npm run contracts               → compare the messages with the committed AsyncAPI snapshot
// npm run contracts -- snapshot   → record the current document as the snapshot, on purpose
// The snapshot is packages/contracts/asyncapi.snapshot.json; `npm test` fails while a change breaks a
// consumer of it (packages/contracts/test/asyncapi-compatibility.unit.test.ts) or while it is stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AsyncApiDocument,
  asyncApiDocument,
  breakingChanges,
  describeChanges,
  snapshotText,
  snapshotUrl,
} from '@microshop/contracts/asyncapi';
import { repoRoot } from './paths.ts';

const snapshotPath = relative(repoRoot, fileURLToPath(snapshotUrl));

function committed(): AsyncApiDocument | undefined {
  return existsSync(snapshotUrl)
    ? (JSON.parse(readFileSync(snapshotUrl, 'utf8')) as AsyncApiDocument)
    : undefined;
}

/** Prints what breaks; 1 when something does or the snapshot is stale. */
function check(): number {
  const previous = committed();
  const current = asyncApiDocument();
  if (previous === undefined) {
    console.error(`No snapshot at ${snapshotPath}: record one with npm run contracts -- snapshot`);
    return 1;
  }
  const changes = breakingChanges(previous, current);
  if (changes.length > 0) {
    console.error(`Changes that break consumers of ${snapshotPath}:\n${describeChanges(changes)}`);
    console.error('Make them compatible, or record them on purpose: npm run contracts -- snapshot');
    return 1;
  }
  if (readFileSync(snapshotUrl, 'utf8') !== snapshotText(current)) {
    console.error(`Compatible, but ${snapshotPath} is stale: npm run contracts -- snapshot`);
    return 1;
  }
  console.log(`The messages match ${snapshotPath}.`);
  return 0;
}

function snapshot(): number {
  const previous = committed();
  const current = asyncApiDocument();
  const changes = previous === undefined ? [] : breakingChanges(previous, current);
  if (changes.length > 0) console.log(`Recording changes that break consumers:\n${describeChanges(changes)}`);
  writeFileSync(snapshotUrl, snapshotText(current));
  console.log(`Wrote ${snapshotPath}.`);
  return 0;
}

const command = process.argv[2] ?? 'check';
const commands: Record<string, () => number> = { check, snapshot };
const run = commands[command];
if (run === undefined) {
  console.error(`Unknown command ${command}: use check or snapshot`);
  process.exit(2);
}
process.exit(run());
