import { consumerLag, type Pool, type ReadinessCheck } from '@microshop/platform';
import { catalogHasProducts } from '../store/catalog.ts';

/**
 * Orders are priced from the copy of the catalog, so an instance takes none before the copy is
 * complete: `/ready` waits until the catalog consumer has caught up with the end offsets the
 * products topic had when the instance first asked (read from the start of the compacted topic, the
 * copy then holds every product known by then) and the copy holds a product at all (on a fresh
 * stack the topic may still be empty when orders starts). Once ready, it stays ready: later catalog
 * changes are copied as they come, and a lagging copy must not take the service out of rotation.
 */

export interface CatalogReadinessOptions {
  bootstrapServers: readonly string[];
  group: string;
  topic: string;
  pool: Pool;
  clientId: string;
}

export function catalogReadiness(options: CatalogReadinessOptions): ReadinessCheck {
  let target: Map<number, bigint> | undefined;
  let ready = false;
  const check = async (): Promise<boolean> => {
    if (ready) return true;
    const lag = await consumerLag({
      bootstrapServers: options.bootstrapServers,
      clientId: options.clientId,
      groupId: options.group,
      topics: [options.topic],
    });
    target ??= new Map(lag.map((partition) => [partition.partition, partition.end]));
    const goal = target;
    const caughtUp = lag.every(({ partition, committed }) => {
      const end = goal.get(partition) ?? 0n;
      return end === 0n || (committed !== null && committed >= end);
    });
    ready = caughtUp && (await catalogHasProducts(options.pool));
    return ready;
  };
  return { name: 'catalog copy caught up', check, timeoutMs: 5_000 };
}
