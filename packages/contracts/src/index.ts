export * from './catalog.ts';
export * from './customers.ts';
export * from './envelope.ts';
export * from './orders.ts';
export * from './routing.ts';
export * from './topics.ts';
export * from './validations.ts';
