import { serviceTestKit } from '@microshop/platform/testing';
import { migrateSchema } from '../src/store/database.ts';

// What the integration tests share: a migrated throwaway schema and a quiet logger.

export const { logger, migratedSchema, handlerContext } = serviceTestKit({
  service: 'notifications',
  migrate: migrateSchema,
});
