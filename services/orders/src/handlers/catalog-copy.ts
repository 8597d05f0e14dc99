import type { ProductChangedEvent } from '@microshop/contracts';
import { decodeProductChange, type TransactionalHandler, transactional } from '@microshop/platform';
import { upsertCatalogPrice } from '../store/catalog.ts';

/**
 * The consumer of the compacted `microshop.products` (its own group, read from the start by a new
 * deployment): keeps the orders service's copy of the catalog's prices, from which every order is
 * priced. Each event carries the whole product, so the copy takes it when it is newer (by
 * `updatedAt`) than what it holds and ignores it otherwise.
 */
export function copyCatalog(): TransactionalHandler<ProductChangedEvent> {
  return transactional({
    decode: decodeProductChange,
    apply: async (event, tx) => {
      const changed = await upsertCatalogPrice(tx.client, event.product, tx.eventId);
      tx.logger.debug({ sku: event.product.sku, changed }, 'catalog copy updated');
    },
  });
}
