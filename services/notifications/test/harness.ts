import { serviceTestKit } from '@microshop/platform/testing';
import { service } from '../src/main.ts';

// What the integration tests share: a migrated throwaway schema and a quiet logger.

export const { logger, migratedSchema, handlerContext } = serviceTestKit(service);
