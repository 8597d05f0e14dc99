export * from './envelope.ts';
export * from './orders.ts';
export * from './topics.ts';
