export * from './definition.ts';
export * from './standalone.ts';
export * from './start.ts';
