// Test helpers of the service kit, apart from '@microshop/platform' so production code never loads
// node:test. Each test owns what it creates (schemas, topics, groups, processes) and cleans it up.
export * from './auth.ts';
export * from './errors.ts';
export * from './kafka.ts';
export * from './orders.ts';
export * from './process.ts';
export * from './schema.ts';
export * from './service.ts';
export * from './service-process.ts';
export * from './spans.ts';
export * from './wal.ts';
