import { HttpCallFailed, type HttpFailureReason, type Logger, unreachable } from '@microshop/platform';
import { createWebhookSender, type WebhookSenderOptions } from '../clients/webhook-sender.ts';
import {
  type CallbackProgress,
  type CarrierShipment,
  decide,
  deliveredCallback,
  evolve,
} from '../domain/shipment.ts';
import type { ShipmentStore } from '../store/shipments.ts';

/**
 * Delivers booked shipments after `deliveryDelayMs` and tells the shipper by POSTing to the
 * booking's callback URL (the webhook sender retries while the receiver answers non-2xx or is
 * unreachable), keeping the callback's progress with the shipment. Timers live in memory, the
 * shipments in the store's journal: on stop the timers are dropped, and `resume` after a restart
 * schedules again every delivery still due and every callback not yet acknowledged or abandoned.
 */

export interface CallbackDispatcherOptions {
  store: ShipmentStore;
  deliveryDelayMs: number;
  retry: WebhookSenderOptions['retry'];
  /** Per attempt: a receiver that has not answered by then counts as down. */
  timeoutMs: number;
  /** Signs every callback when set (header X-Carrier-Signature). */
  secret?: string | undefined;
  logger: Logger;
  now?: () => Date;
}

export interface CallbackDispatcher {
  /** Delivers the shipment once the delay has passed, then calls back until acknowledged. */
  schedule(shipmentId: string): void;
  /** Drops the shipment's pending delivery (it was cancelled). */
  forget(shipmentId: string): void;
  /** After a restart: delivers what is still booked (when its delay is up) and calls back what is still due. */
  resume(): void;
  /** Drops every pending delivery and callback, aborts the ones in flight, closes the connections. */
  stop(): Promise<void>;
}

export function createCallbackDispatcher(options: CallbackDispatcherOptions): CallbackDispatcher {
  const now = options.now ?? (() => new Date());
  const sender = createWebhookSender({ ...options, now });
  const timers = new Map<string, NodeJS.Timeout>();
  const stopping = new AbortController();

  const record = (shipmentId: string, progress: Partial<CallbackProgress>): void => {
    const shipment = options.store.get(shipmentId);
    if (shipment !== undefined) {
      options.store.put({ ...shipment, callback: { ...shipment.callback, ...progress } });
    }
  };

  const callBack = async (shipmentId: string): Promise<void> => {
    const shipment = options.store.get(shipmentId);
    const payload = shipment === undefined ? null : deliveredCallback(shipment);
    if (shipment === undefined || payload === null) return;
    const log = options.logger.child({ shipmentId });
    try {
      const answer = await sender.send(shipment.callbackUrl, payload, {
        signal: stopping.signal,
        onRetry: ({ attempt, delayMs, problem }) => {
          record(shipmentId, { state: 'pending', attempts: attempt, ...lastOutcome(problem) });
          log.info(
            { attempt, ...lastOutcome(problem), retryInMs: delayMs },
            'delivery callback not acknowledged; will retry',
          );
        },
      });
      const { attempts, status } = answer;
      const acknowledgedAt = now().toISOString();
      record(shipmentId, {
        state: 'acknowledged',
        attempts,
        lastStatus: status,
        lastError: null,
        acknowledgedAt,
      });
      log.info({ attempt: attempts, status }, 'delivery callback acknowledged');
    } catch (error) {
      if (stopping.signal.aborted) return;
      const failure = error instanceof HttpCallFailed ? error : undefined;
      const last = lastOutcome(failure?.reason ?? { kind: 'error', error });
      record(shipmentId, { state: 'abandoned', attempts: failure?.attempts ?? 0, ...last });
      log.warn({ attempt: failure?.attempts, ...last }, 'delivery callback not acknowledged; giving up');
    }
  };

  const deliver = async (shipmentId: string): Promise<void> => {
    const shipment = options.store.get(shipmentId);
    if (shipment === undefined) return;
    const events = decide({ type: 'DeliverShipment', at: now() }, shipment);
    if (events.length === 0) return;
    const delivered = events.reduce(evolve, shipment);
    options.store.put(delivered);
    options.logger.info({ shipmentId, reference: delivered.reference }, 'shipment delivered');
    // The callback reports the delivery: it leaves once the delivery is on disk.
    await options.store.synced();
    await callBack(shipmentId);
  };

  /** A journal that broke (a failed write) fails the work: it is logged, not left unhandled. */
  const inBackground = (shipmentId: string, work: Promise<void>): void => {
    work.catch((error: unknown) =>
      options.logger.error({ err: error, shipmentId }, 'delivery or callback not recorded'),
    );
  };

  const scheduleIn = (shipmentId: string, delayMs: number): void => {
    if (stopping.signal.aborted) return;
    const timer = setTimeout(() => {
      timers.delete(shipmentId);
      inBackground(shipmentId, deliver(shipmentId));
    }, delayMs);
    // Pending deliveries never keep a stopping process (or a finished test file) alive.
    timer.unref();
    timers.set(shipmentId, timer);
  };

  return {
    schedule: (shipmentId) => scheduleIn(shipmentId, options.deliveryDelayMs),
    resume() {
      for (const shipment of options.store.all()) {
        if (shipment.status === 'booked') {
          const dueAt = Date.parse(shipment.createdAt) + options.deliveryDelayMs;
          scheduleIn(shipment.id, Math.max(0, dueAt - now().getTime()));
        } else if (callbackDue(shipment)) inBackground(shipment.id, callBack(shipment.id));
      }
    },
    forget(shipmentId) {
      clearTimeout(timers.get(shipmentId));
      timers.delete(shipmentId);
    },
    stop() {
      stopping.abort();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      return sender.close();
    },
  };
}

/** Delivered, and its callback neither acknowledged nor given up on: a restart calls back again. */
function callbackDue(shipment: CarrierShipment): boolean {
  return (
    shipment.status === 'delivered' &&
    (shipment.callback.state === 'pending' || shipment.callback.state === 'none')
  );
}

/** What the shipment shows of the last attempt: the receiver's status, or why there was none. */
function lastOutcome(reason: HttpFailureReason): Pick<CallbackProgress, 'lastStatus' | 'lastError'> {
  switch (reason.kind) {
    case 'status':
      return { lastStatus: reason.status, lastError: null };
    case 'timeout':
      return { lastStatus: null, lastError: `no answer within ${reason.timeoutMs} ms` };
    case 'error':
      return {
        lastStatus: null,
        lastError: reason.error instanceof Error ? reason.error.message : String(reason.error),
      };
    case 'aborted':
      return { lastStatus: null, lastError: 'aborted: the carrier is stopping' };
    case 'circuit-open':
      return { lastStatus: null, lastError: 'not sent: the circuit is open' };
    default:
      return unreachable(reason);
  }
}
