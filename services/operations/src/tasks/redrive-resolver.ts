import { consumerLag, type Pool } from '@microshop/platform';
import { markResolved, producedUnresolved } from '../store/redrives.ts';

/**
 * Marks produced redrives resolved once the group they were addressed to has committed past them:
 * it has handled the copy, or parked it again (which the dead-letter index then shows as failed again).
 */
export function redriveResolver(options: { pool: Pool; bootstrapServers: readonly string[] }) {
  return async (): Promise<number> => {
    const produced = await producedUnresolved(options.pool, 500);
    const byGroupAndTopic = new Map<string, typeof produced>();
    for (const redrive of produced) {
      const key = JSON.stringify([redrive.group, redrive.topic]);
      byGroupAndTopic.set(key, [...(byGroupAndTopic.get(key) ?? []), redrive]);
    }
    const resolved: string[] = [];
    for (const redrives of byGroupAndTopic.values()) {
      const [first] = redrives;
      if (first === undefined) continue;
      const lag = await consumerLag({
        bootstrapServers: options.bootstrapServers,
        clientId: 'operations-redrives',
        groupId: first.group,
        topics: [first.topic],
      });
      const committed = new Map(lag.map((p) => [p.partition, p.committed]));
      for (const redrive of redrives) {
        if ((committed.get(redrive.partition) ?? -1n) > redrive.offset) resolved.push(redrive.id);
      }
    }
    await markResolved(options.pool, resolved);
    return resolved.length;
  };
}
