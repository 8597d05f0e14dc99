import type { DestinationStream } from 'pino';
import type { z } from 'zod';
import { ConfigError, type Env, type LogLevel, loadConfig } from './config.ts';
import { createLogger, type Logger } from './logger.ts';

/**
 * The one wiring place of a service's `main.ts`:
 *
 *   runService({ name: 'orders', config: ordersConfig, start: async ({ config, logger, onStop }) => {
 *     const pool = createPool({ ... }); onStop('database', () => pool.end());
 *     const app = await buildHttpApp({ ... }); await app.listen(...); onStop('http', () => app.close());
 *   } });
 *
 * Config is read and checked once, before anything starts. Stop steps run in reverse order of
 * registration (stop taking requests before closing the pool they use), within a deadline.
 */

export interface ServiceContext<C> {
  name: string;
  config: C;
  logger: Logger;
  /** Registers a shutdown step; steps run last-registered first. */
  onStop(label: string, stop: () => unknown): void;
}

/** The process seams runService needs; tests pass a fake to observe exits and send signals. */
export interface ServiceRuntime {
  on(
    event: 'SIGINT' | 'SIGTERM' | 'unhandledRejection' | 'uncaughtException',
    listener: (arg?: unknown) => void,
  ): void;
  exit(code: number): void;
  printError(text: string): void;
  logDestination?: DestinationStream;
}

export interface RunServiceOptions<S extends z.ZodObject> {
  name: string;
  config: S;
  start: (context: ServiceContext<z.output<S>>) => Promise<void>;
  /** How long all stop steps together may take before the process exits anyway; default 10 s. */
  stopTimeoutMs?: number;
  env?: Env;
  runtime?: ServiceRuntime;
}

export interface ServiceHandle {
  /** Stops everything registered and exits with `code`; later calls wait for the first. */
  shutdown(code: number, reason: string): Promise<void>;
  readonly stopping: boolean;
}

const processRuntime: ServiceRuntime = {
  on: (event, listener) => process.on(event, listener),
  exit: (code) => process.exit(code),
  printError: (text) => console.error(text),
};

export async function runService<S extends z.ZodObject>(
  options: RunServiceOptions<S>,
): Promise<ServiceHandle | undefined> {
  const runtime = options.runtime ?? processRuntime;
  let config: z.output<S>;
  try {
    config = loadConfig(options.config, options.env);
  } catch (error) {
    runtime.printError(error instanceof ConfigError ? `${options.name}: ${error.message}` : String(error));
    runtime.exit(1);
    return undefined;
  }
  const logger = createLogger({
    service: options.name,
    level: levelOf(config),
    ...(runtime.logDestination === undefined ? {} : { destination: runtime.logDestination }),
  });
  const steps: { label: string; stop: () => unknown }[] = [];
  const handle = createShutdown(steps, logger, runtime, options.stopTimeoutMs ?? 10_000);
  installProcessHandlers(handle, logger, runtime);

  try {
    await options.start({
      name: options.name,
      config,
      logger,
      onStop: (label, stop) => steps.push({ label, stop }),
    });
    logger.info('service started');
  } catch (error) {
    if (error instanceof ConfigError) runtime.printError(`${options.name}: ${error.message}`);
    logger.fatal({ err: error }, 'service failed to start');
    await handle.shutdown(1, 'startup failed');
  }
  return handle;
}

function levelOf(config: unknown): LogLevel | undefined {
  const level = (config as { LOG_LEVEL?: unknown }).LOG_LEVEL;
  return typeof level === 'string' ? (level as LogLevel) : undefined;
}

function installProcessHandlers(handle: ServiceHandle, logger: Logger, runtime: ServiceRuntime): void {
  // A second signal while stopping means the operator will not wait: exit at once.
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (!handle.stopping) return void handle.shutdown(0, signal);
    logger.warn({ signal }, 'second signal while stopping; exiting now');
    runtime.exit(1);
  };
  runtime.on('SIGINT', () => onSignal('SIGINT'));
  runtime.on('SIGTERM', () => onSignal('SIGTERM'));
  // A rejection nobody handled means some state is unknown: stop cleanly rather than limp on.
  runtime.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    void handle.shutdown(1, 'unhandledRejection');
  });
  runtime.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    void handle.shutdown(1, 'uncaughtException');
  });
}

function createShutdown(
  steps: { label: string; stop: () => unknown }[],
  logger: Logger,
  runtime: ServiceRuntime,
  timeoutMs: number,
): ServiceHandle {
  let stopping: Promise<void> | undefined;
  const shutdown = async (code: number, reason: string): Promise<void> => {
    logger.info({ reason }, 'service stopping');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([runStopSteps(steps, logger), deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout')
      logger.error({ timeoutMs }, 'stop steps did not finish in time; exiting anyway');
    const failed = outcome === 'timeout' || outcome === 'failed';
    logger.info({ code: failed ? Math.max(code, 1) : code }, 'service stopped');
    runtime.exit(failed ? Math.max(code, 1) : code);
  };
  return {
    shutdown: (code, reason) => {
      stopping ??= shutdown(code, reason);
      return stopping;
    },
    get stopping() {
      return stopping !== undefined;
    },
  };
}

/** Last registered first; a failing step is logged and the rest still run. */
async function runStopSteps(
  steps: readonly { label: string; stop: () => unknown }[],
  logger: Logger,
): Promise<'ok' | 'failed'> {
  let outcome: 'ok' | 'failed' = 'ok';
  for (const step of [...steps].reverse()) {
    try {
      await step.stop();
      logger.info({ step: step.label }, 'stopped');
    } catch (error) {
      outcome = 'failed';
      logger.error({ err: error, step: step.label }, 'stop step failed');
    }
  }
  return outcome;
}
