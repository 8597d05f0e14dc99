import { backoffDelay, type Logger } from '@microshop/platform';
import pg from 'pg';
import { orderStatusChannel } from './orders-store.ts';

// One dedicated LISTEN connection per instance for `order_status_changed`, the notification every
// status change sends at commit. NOTIFY reaches every listening session of the database, so a change
// made through any instance (or by its consumer) reaches the blocking GETs of all instances. The kit
// starts it as a background part: /ready checks it, and it is closed before HTTP stops.

export interface StatusListenerOptions {
  connectionString: string;
  logger: Logger;
  /** Shown in pg_stat_activity; tests use it to find (and kill) this connection. */
  applicationName: string;
  /** Backoff between reconnection attempts; default 100 ms doubling up to 5 s. */
  reconnect?: { initialMs: number; maxMs: number };
  /** The order `orderId` changed: whoever waits on it reads it again. */
  onChange(orderId: string): void;
  /**
   * The connection is (again) up. Changes committed while nobody listened sent notifications nobody
   * got: every waiter must read its order again.
   */
  onConnected(): void;
}

export interface StatusListener {
  /** True while the LISTEN connection is up. */
  readonly connected: boolean;
  /** Readiness: one round trip on the LISTEN connection itself. */
  check(): Promise<void>;
  /** Stops reconnecting and closes the connection. */
  stop(): Promise<void>;
}

/** Connects and LISTENs; rejects if the first connection fails (the service must not start). */
export async function startStatusListener(options: StatusListenerOptions): Promise<StatusListener> {
  const logger = options.logger.child({ component: 'status-listener' });
  const backoff = options.reconnect ?? { initialMs: 100, maxMs: 5_000 };
  const stopping = new AbortController();
  let current: pg.Client | null = null;

  async function connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: options.connectionString,
      application_name: options.applicationName,
      // A peer that vanished without closing the socket is noticed by TCP keepalive.
      keepAlive: true,
    });
    client.on('notification', (message) => {
      if (message.channel === orderStatusChannel && message.payload) options.onChange(message.payload);
    });
    client.on('error', (error) => lost(client, error));
    client.on('end', () => lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${orderStatusChannel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (stopping.signal.aborted) {
      // stop() ran while this connection was being made: nobody will end it later.
      await client.end().catch(() => undefined);
      return;
    }
    current = client;
    options.onConnected();
  }

  function lost(client: pg.Client, error?: Error): void {
    if (client !== current) return;
    current = null;
    client.end().catch(() => undefined);
    if (stopping.signal.aborted) return;
    logger.warn({ err: error }, 'LISTEN connection lost; reconnecting');
    void reconnect();
  }

  async function reconnect(): Promise<void> {
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      if (!(await sleep(backoffDelay(attempt, backoff), stopping.signal))) return;
      try {
        await connect();
        logger.info({ attempt }, 'LISTEN connection restored');
        return;
      } catch (error) {
        logger.warn({ err: error, attempt }, 'LISTEN reconnection failed');
      }
    }
  }

  await connect();
  return {
    get connected() {
      return current !== null;
    },
    check: async () => {
      if (current === null) throw new Error('LISTEN connection is down');
      await current.query('SELECT 1');
    },
    stop: async () => {
      stopping.abort();
      const client = current;
      current = null;
      await client?.end();
    },
  };
}

/** Waits `ms`; false at once when `signal` aborts (stop must not wait out a backoff). */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
