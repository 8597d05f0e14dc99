export * from './definition.ts';
export * from './host.ts';
export * from './standalone.ts';
export * from './start.ts';
