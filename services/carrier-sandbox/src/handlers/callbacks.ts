import type { Logger } from '@microshop/platform';
import { request } from 'undici';
import { nextRetryDelay, type RetryPolicy } from '../domain/retry-policy.ts';
import { type CallbackProgress, deliveredCallback, deliverShipment } from '../domain/shipment.ts';
import type { ShipmentStore } from '../store/shipments.ts';
import { signatureHeader, signatureOf } from './signature.ts';

/**
 * Delivers booked shipments after `deliveryDelayMs` and tells the shipper by POSTing to the
 * booking's callback URL, again and again with backoff while the receiver answers non-2xx or is
 * unreachable, like a real carrier's webhooks. Timers live in memory: on stop, pending deliveries
 * and callbacks are dropped (README says so).
 */

export interface CallbackDispatcherOptions {
  store: ShipmentStore;
  deliveryDelayMs: number;
  retry: RetryPolicy;
  /** Per attempt: a receiver that has not answered by then counts as down. */
  timeoutMs: number;
  /** Signs every callback when set (header X-Carrier-Signature). */
  secret?: string | undefined;
  logger: Logger;
  now?: () => Date;
  random?: () => number;
}

export interface CallbackDispatcher {
  /** Delivers the shipment once the delay has passed, then calls back until acknowledged. */
  schedule(shipmentId: string): void;
  /** Drops the shipment's pending delivery (it was cancelled). */
  forget(shipmentId: string): void;
  /** Drops every pending delivery and callback and aborts the ones in flight. */
  stop(): void;
}

export function createCallbackDispatcher(options: CallbackDispatcherOptions): CallbackDispatcher {
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const timers = new Map<string, NodeJS.Timeout>();
  const stopping = new AbortController();

  const later = (shipmentId: string, delayMs: number, run: () => Promise<void> | void): void => {
    if (stopping.signal.aborted) return;
    const timer = setTimeout(() => {
      timers.delete(shipmentId);
      void run();
    }, delayMs);
    // Pending callbacks never keep a stopping process (or a finished test file) alive.
    timer.unref();
    timers.set(shipmentId, timer);
  };

  const record = (shipmentId: string, progress: Partial<CallbackProgress>): void => {
    const shipment = options.store.get(shipmentId);
    if (shipment !== undefined) {
      options.store.put({ ...shipment, callback: { ...shipment.callback, ...progress } });
    }
  };

  const attempt = async (shipmentId: string, attemptNo: number): Promise<void> => {
    const shipment = options.store.get(shipmentId);
    const payload = shipment === undefined ? null : deliveredCallback(shipment);
    if (shipment === undefined || payload === null) return;
    const body = JSON.stringify(payload);
    const outcome = await post(shipment.callbackUrl, body, attemptNo);
    const log = options.logger.child({ shipmentId, attempt: attemptNo, ...outcome });
    if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
      record(shipmentId, {
        state: 'acknowledged',
        attempts: attemptNo,
        lastStatus: outcome.status,
        lastError: null,
        acknowledgedAt: now().toISOString(),
      });
      log.info('delivery callback acknowledged');
      return;
    }
    const delay = nextRetryDelay(attemptNo, options.retry, random);
    record(shipmentId, {
      state: delay === null ? 'abandoned' : 'pending',
      attempts: attemptNo,
      lastStatus: outcome.status,
      lastError: outcome.error,
    });
    if (delay === null) return log.warn('delivery callback not acknowledged; giving up');
    log.info({ retryInMs: delay }, 'delivery callback not acknowledged; will retry');
    later(shipmentId, delay, () => attempt(shipmentId, attemptNo + 1));
  };

  const post = async (url: string, body: string, attemptNo: number) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-carrier-attempt': String(attemptNo),
    };
    if (options.secret !== undefined) headers[signatureHeader] = signatureOf(options.secret, body, now());
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs), stopping.signal]);
      const response = await request(url, { method: 'POST', headers, body, signal });
      await response.body.dump();
      return { status: response.statusCode, error: null };
    } catch (error) {
      return { status: null, error: error instanceof Error ? error.message : String(error) };
    }
  };

  const deliver = (shipmentId: string): Promise<void> | undefined => {
    const shipment = options.store.get(shipmentId);
    const delivered = shipment === undefined ? null : deliverShipment(shipment, now());
    if (delivered === null) return undefined;
    options.store.put(delivered);
    options.logger.info({ shipmentId, reference: delivered.reference }, 'shipment delivered');
    return attempt(shipmentId, 1);
  };

  return {
    schedule: (shipmentId) => later(shipmentId, options.deliveryDelayMs, () => deliver(shipmentId)),
    forget(shipmentId) {
      clearTimeout(timers.get(shipmentId));
      timers.delete(shipmentId);
    },
    stop() {
      stopping.abort();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
