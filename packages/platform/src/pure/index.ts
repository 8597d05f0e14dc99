// The part of the kit that domain code may import: pure functions, no I/O, no pg, Kafka or Fastify
// (a unit test holds it to that). Services' src/domain/ import '@microshop/platform/pure' only.
export * from './backoff.ts';
export * from './canonical-json.ts';
export * from './dev-operator.ts';
export * from './trace-attributes.ts';
export * from './unreachable.ts';
export * from './upstreams.ts';
