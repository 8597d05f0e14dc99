import type { z } from 'zod';
import type { Env } from '../config.ts';
import { runService, type ServiceHandle, type ServiceRuntime } from '../service.ts';
import { flushTelemetry, startTelemetry } from '../telemetry/setup.ts';
import type { ServiceDefinition } from './definition.ts';
import { startDefinition } from './start.ts';

/**
 * Runs one service as its own process: config from the environment, SIGINT/SIGTERM stop it, a start
 * failure exits 1. Tracing is set up for the process (telemetry/setup.ts) and flushed as it stops. What `node services/<name>/src/main.ts` does through `import.meta.main`.
 */
export function runStandalone<S extends z.ZodObject>(
  definition: ServiceDefinition<S>,
  options: { env?: Env; runtime?: ServiceRuntime; stopTimeoutMs?: number } = {},
): Promise<ServiceHandle | undefined> {
  return runService({
    name: definition.name,
    config: definition.config,
    start: (context) => {
      startTelemetry();
      // Registered first, so it runs last: the spans of the stop itself are sent too.
      context.onStop('telemetry', flushTelemetry);
      return startDefinition(definition, context);
    },
    ...options,
  });
}
