export * from './client.ts';
export { describeProblem, HttpCallFailed, type HttpFailureReason, type HttpProblem } from './failure.ts';
export { type CircuitBreakerSettings, type HttpRetrySettings, transientStatus } from './policy.ts';
