import { createLogger, type Logger } from '../src/logger.ts';

/** A logger whose JSON lines are kept in memory, so a test can assert on what was logged. */
export function capturingLogger(service = 'test'): {
  logger: Logger;
  lines: () => Record<string, unknown>[];
} {
  const raw: string[] = [];
  const logger = createLogger({
    service,
    level: 'debug',
    destination: { write: (line: string) => raw.push(line) },
  });
  return { logger, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
