import { z } from 'zod';
import { ConfigError, type Env, envLogLevel, type LogLevel, loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { runService, type ServiceHandle, type ServiceRuntime } from '../service.ts';
import { flushTelemetry, startTelemetry } from '../telemetry/setup.ts';
import type { ServiceDefinition } from './definition.ts';
import { startDefinition } from './start.ts';

/**
 * Several services in one process: each keeps its own config, schema and pool, consumer groups, HTTP
 * port, logger and metrics, exactly as when it runs alone — only the process (event loop, heap, the
 * Node runtime itself) is shared. Two cores run a dozen services better as one or two processes than
 * as fourteen, each paying for its own runtime and garbage collector.
 *
 * One tracer provider serves them all; each span names its service (telemetry/scope.ts).
 *
 * Every config is read and checked before anything starts; the services then start in the order
 * given and stop in reverse (the last started — the gateway, say — first).
 */
export interface HostedService {
  definition: ServiceDefinition;
  /** The service's own environment (its port, group, schema…), as it would get it running alone. */
  env: Env;
}

const hostConfig = z.object({ LOG_LEVEL: envLogLevel });

export function runHost(
  name: string,
  services: readonly HostedService[],
  options: { env?: Env; runtime?: ServiceRuntime; stopTimeoutMs?: number } = {},
): Promise<ServiceHandle | undefined> {
  return runService({
    name,
    config: hostConfig,
    // Every service's stop steps share the process's one deadline: give them the time they would get alone.
    stopTimeoutMs: options.stopTimeoutMs ?? 20_000,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.runtime === undefined ? {} : { runtime: options.runtime }),
    start: async ({ onStop, logger }) => {
      startTelemetry();
      onStop('telemetry', flushTelemetry);
      const loaded = services.map((service) => ({ service, config: configOf(service) }));
      for (const { service, config } of loaded) {
        const instance = instanceOf(config, service.definition.name);
        const serviceLogger = createLogger({
          service: service.definition.name,
          level: (config as { LOG_LEVEL?: LogLevel }).LOG_LEVEL ?? 'info',
          ...(options.runtime?.logDestination === undefined
            ? {}
            : { destination: options.runtime.logDestination }),
        }).child({ instance });
        await startDefinition(service.definition, {
          name: service.definition.name,
          config,
          logger: serviceLogger,
          onStop: (label, stop) => onStop(`${instance}: ${label}`, stop),
        });
        logger.info({ instance }, 'hosted service started');
      }
    },
  });
}

/** A config error names the service it belongs to: the host runs many. */
function configOf(service: HostedService): Record<string, unknown> {
  try {
    return loadConfig(service.definition.config, service.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(
      error.issues.map((issue) => ({ ...issue, variable: `${service.definition.name}: ${issue.variable}` })),
    );
  }
}

function instanceOf(config: unknown, fallback: string): string {
  const id = (config as { INSTANCE_ID?: unknown }).INSTANCE_ID;
  return typeof id === 'string' ? id : fallback;
}
