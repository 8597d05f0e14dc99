import { mapPgError } from '@microshop/platform';

/** A plain read outside a transaction: a lost database becomes a retriable 503, not a 500. */
export async function read<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    throw mapPgError(error);
  }
}
