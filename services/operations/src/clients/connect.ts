import { AppError, createHttpClient, type HttpAnswer, type Logger, notFound } from '@microshop/platform';

/**
 * Kafka Connect's REST API, as far as operations uses it: connectors with their state, and restart,
 * pause and resume. Calls are retried once on a connection failure or a 5xx; a Connect that does not
 * answer is an UPSTREAM_UNAVAILABLE (503) to the caller.
 */

export interface UnitStatus {
  state: string;
  workerId: string | null;
  /** Connect's stack trace of a FAILED unit. */
  trace: string | null;
}

export interface ConnectorStatus {
  name: string;
  type: string | null;
  connector: UnitStatus;
  tasks: (UnitStatus & { id: number })[];
}

export interface ConnectClient {
  list(): Promise<ConnectorStatus[]>;
  status(name: string): Promise<ConnectorStatus>;
  /** Restarts the connector and its tasks; with `onlyFailed`, only the units that FAILED. */
  restart(name: string, options: { onlyFailed: boolean }): Promise<void>;
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  close(): Promise<void>;
}

interface RawUnit {
  state?: string;
  worker_id?: string;
  trace?: string;
}

interface RawStatus {
  name: string;
  type?: string;
  connector?: RawUnit;
  tasks?: (RawUnit & { id: number })[];
}

export function createConnectClient(options: { url: string; logger?: Logger }): ConnectClient {
  const http = createHttpClient({
    name: 'Kafka Connect',
    baseUrl: options.url,
    timeoutMs: 5_000,
    retry: { maxAttempts: 2, initialMs: 200, maxMs: 1_000 },
    logger: options.logger,
  });
  const path = (name: string, action = 'status') => `/connectors/${encodeURIComponent(name)}/${action}`;
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, name?: string): Promise<HttpAnswer> => {
    const answer = await http.send({ method, url });
    if (answer.status === 404 && name !== undefined) throw notFound('Connector', name);
    if (answer.status >= 300) throw refused(method, url, answer);
    return answer;
  };
  return {
    async list() {
      const answer = await call('GET', '/connectors?expand=status');
      const byName = (answer.body ?? {}) as Record<string, { status?: RawStatus }>;
      return Object.entries(byName)
        .map(([name, entry]) => statusOf({ name, ...entry.status }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    async status(name) {
      return statusOf((await call('GET', path(name), name)).body as RawStatus);
    },
    async restart(name, { onlyFailed }) {
      await call('POST', `${path(name, 'restart')}?includeTasks=true&onlyFailed=${onlyFailed}`, name);
    },
    async pause(name) {
      await call('PUT', path(name, 'pause'), name);
    },
    async resume(name) {
      await call('PUT', path(name, 'resume'), name);
    },
    close: () => http.close(),
  };
}

/** Connect answers a request it cannot take now (a rebalance in progress: 409) with its reason. */
function refused(method: string, url: string, answer: HttpAnswer): AppError {
  const message = (answer.body as { message?: unknown } | null)?.message;
  const detail = typeof message === 'string' ? message : JSON.stringify(answer.body);
  const code = answer.status === 409 ? 'CONFLICT' : 'BAD_GATEWAY';
  return new AppError(code, `Kafka Connect refused ${method} ${url} (${answer.status}): ${detail}`);
}

function statusOf(raw: RawStatus): ConnectorStatus {
  return {
    name: raw.name,
    type: raw.type ?? null,
    connector: unitOf(raw.connector),
    tasks: (raw.tasks ?? []).map((task) => ({ id: task.id, ...unitOf(task) })),
  };
}

function unitOf(raw: RawUnit | undefined): UnitStatus {
  return { state: raw?.state ?? 'UNKNOWN', workerId: raw?.worker_id ?? null, trace: raw?.trace ?? null };
}
