export * from './messages.ts';
export { currentService, inService, type ServiceScope } from './scope.ts';
export { flushTelemetry, startTelemetry, type TelemetryState } from './setup.ts';
