import type { AsyncApiChannel, AsyncApiDocument, AsyncApiMessage } from './document.ts';
import { type SchemaChange, schemaChanges } from './schema-diff.ts';

// The compatibility check: what in `current` breaks a consumer built on `previous` (the committed
// snapshot) or a message already on a topic. A channel, topic or message that goes away breaks its
// consumers; a new channel, topic or message does not (consumers pass by the types they do not know).

export interface BreakingChange {
  /** e.g. `payments / PaymentFailed` */
  where: string;
  path: string;
  change: string;
  /** Who it breaks, in words. */
  breaks: string;
}

const whoBreaks: Record<SchemaChange['breaks'], string> = {
  narrowed: 'consumers of the new version refuse messages already on the topic',
  widened: 'consumers built on the snapshot refuse the new messages',
};
const gone = 'its consumers no longer get it';

export function breakingChanges(previous: AsyncApiDocument, current: AsyncApiDocument): BreakingChange[] {
  const changes: BreakingChange[] = [];
  for (const [id, channel] of Object.entries(previous.channels)) {
    const next = current.channels[id];
    if (next === undefined) {
      changes.push({ where: id, path: '', change: `channel ${channel.address} removed`, breaks: gone });
      continue;
    }
    changes.push(...channelChanges(id, channel, next));
    for (const name of Object.keys(channel.messages)) {
      const where = `${id} / ${name}`;
      const before = previous.components.messages[name];
      const after = next.messages[name] === undefined ? undefined : current.components.messages[name];
      if (after === undefined) {
        changes.push({ where, path: '', change: `no longer published on ${next.address}`, breaks: gone });
      } else if (before !== undefined) {
        changes.push(...messageChanges(where, before, after));
      }
    }
  }
  return changes;
}

function channelChanges(id: string, before: AsyncApiChannel, after: AsyncApiChannel): BreakingChange[] {
  const changes: BreakingChange[] = [];
  const change = (text: string, breaks = gone) => changes.push({ where: id, path: '', change: text, breaks });
  if (before.address !== after.address) change(`address ${before.address} → ${after.address}`);
  for (const [name, parameter] of Object.entries(before.parameters ?? {})) {
    const values = new Set(after.parameters?.[name]?.enum ?? []);
    for (const value of parameter.enum.filter((v) => !values.has(v))) change(`${name} ${value} removed`);
  }
  const policy = (channel: AsyncApiChannel) =>
    channel.bindings.kafka.topicConfiguration['cleanup.policy'].join();
  if (policy(before) !== policy(after)) {
    change(
      `cleanup.policy ${policy(before)} → ${policy(after)}`,
      'readers that rebuild a copy from the topic',
    );
  }
  return changes;
}

function messageChanges(where: string, before: AsyncApiMessage, after: AsyncApiMessage): BreakingChange[] {
  const changes: SchemaChange[] = [
    ...schemaChanges(before.payload, after.payload, 'payload'),
    ...schemaChanges(before.headers, after.headers, 'headers'),
    ...schemaChanges(before.bindings.kafka.key, after.bindings.kafka.key, 'key'),
  ];
  const found = changes.map(({ path, change, breaks }) => ({
    where,
    path,
    change,
    breaks: whoBreaks[breaks],
  }));
  if (before.contentType !== after.contentType) {
    const change = `contentType ${before.contentType} → ${after.contentType}`;
    found.push({ where, path: '', change, breaks: 'every consumer of it' });
  }
  return found;
}

/** One line per change, for a test's failure message and the command line. */
export function describeChanges(changes: readonly BreakingChange[]): string {
  return changes
    .map(
      ({ where, path, change, breaks }) =>
        `  ${where}${path === '' ? '' : ` ${path}`}: ${change} (${breaks})`,
    )
    .join('\n');
}

/** The committed snapshot's text: stable, so a change to the contract is a readable diff. */
export function snapshotText(document: AsyncApiDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Where the committed snapshot lives: `packages/contracts/asyncapi.snapshot.json`. */
export const snapshotUrl = new URL('../../asyncapi.snapshot.json', import.meta.url);
