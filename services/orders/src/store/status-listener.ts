import { backoffDelay, type Logger } from '@microshop/platform';
import pg from 'pg';
import { orderStatusChannel } from '../store/orders-store.ts';
import { createWaiterRegistry, type Waiter } from './waiter-registry.ts';

// One dedicated LISTEN connection per instance, fanning `order_status_changed` notifications out
// to the waiters registered here. NOTIFY reaches every listening session of the database, so a
// change made through any instance (or by its consumer) wakes the waiters of all instances.

export interface StatusHubOptions {
  connectionString: string;
  logger: Logger;
  /** Shown in pg_stat_activity; tests use it to find (and kill) this hub's connection. */
  applicationName: string;
  /** Backoff between reconnection attempts; default 100 ms doubling up to 5 s. */
  reconnect?: { initialMs: number; maxMs: number };
}

export interface StatusHub {
  /** Connects and LISTENs; rejects if the first connection fails (the service must not start). */
  start(): Promise<void>;
  register(orderId: string): Waiter;
  /** True while the LISTEN connection is up. */
  readonly connected: boolean;
  /** Registered waiters, over all orders. */
  readonly waiting: number;
  /** Readiness: one round trip on the LISTEN connection itself. */
  ping(): Promise<void>;
  /** Answers every waiter `released` (they reply 503) and refuses new ones; for shutdown. */
  release(): void;
  /** Releases the waiters, stops reconnecting and closes the connection. */
  close(): Promise<void>;
}

export function createStatusHub(options: StatusHubOptions): StatusHub {
  const logger = options.logger.child({ component: 'status-hub' });
  const registry = createWaiterRegistry();
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
      if (message.channel === orderStatusChannel && message.payload) registry.wake(message.payload);
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
      // close() ran while this connection was being made: nobody will end it later.
      await client.end().catch(() => undefined);
      return;
    }
    current = client;
    // Changes committed while nobody listened sent notifications nobody got: every waiter reads again.
    registry.wakeAll();
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

  return {
    start: connect,
    register: (orderId) => registry.register(orderId),
    get connected() {
      return current !== null;
    },
    get waiting() {
      return registry.size;
    },
    ping: async () => {
      if (current === null) throw new Error('LISTEN connection is down');
      await current.query('SELECT 1');
    },
    release: () => registry.releaseAll(),
    close: async () => {
      stopping.abort();
      registry.releaseAll();
      const client = current;
      current = null;
      await client?.end();
    },
  };
}

/** Waits `ms`; false at once when `signal` aborts (close must not wait out a backoff). */
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
