// The public API of the service kit. Services import from '@microshop/platform' only;
// test helpers live apart in '@microshop/platform/testing' so production code never loads node:test.
export * from './config.ts';
export * from './db/identifier.ts';
export * from './db/migrate.ts';
export * from './db/pg-errors.ts';
export * from './db/pool.ts';
export * from './errors.ts';
export * from './http/app.ts';
export * from './http/ops-routes.ts';
export * from './http/problem.ts';
export * from './http/validation.ts';
export * from './inbox.ts';
export * from './kafka/index.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './outbox.ts';
export * from './service.ts';
