import {
  createHttpClient,
  type HttpAnswer,
  type HttpRetry,
  type HttpRetrySettings,
} from '@microshop/platform';
import type { DeliveredCallback } from '../domain/shipment.ts';
import { signatureHeader, signatureOf } from './signature.ts';

/**
 * POSTs the delivery webhook to a shipper's callback URL through the kit's HTTP client, like a real
 * carrier: any answer other than 2xx, no answer within the timeout, or no listener is retried with
 * exponential backoff and equal jitter, a bounded number of times. The body is the same on every
 * attempt; each attempt says which it is (`X-Carrier-Attempt`) and, with a secret, is signed anew
 * (`X-Carrier-Signature` covers the time of sending).
 */

export interface WebhookSenderOptions {
  /** Per attempt: a receiver that has not answered by then counts as down. */
  timeoutMs: number;
  /** Attempts per callback and the waits between them. */
  retry: Omit<HttpRetrySettings, 'retryStatus'>;
  /** Signs every callback when set. */
  secret?: string | undefined;
  now: () => Date;
}

export interface WebhookSender {
  /** The receiver's 2xx answer; throws the kit's HttpCallFailed once every attempt failed. */
  send(
    url: string,
    callback: DeliveredCallback,
    options: { signal: AbortSignal; onRetry: (retry: HttpRetry) => void },
  ): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/** Only a 2xx acknowledges a callback. */
export const acknowledged = (status: number): boolean => status >= 200 && status < 300;

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const http = createHttpClient({
    name: 'webhook receiver',
    timeoutMs: options.timeoutMs,
    retry: { ...options.retry, retryStatus: (status) => !acknowledged(status) },
  });
  return {
    send(url, callback, { signal, onRetry }) {
      const body = JSON.stringify(callback);
      return http.send({
        method: 'POST',
        url,
        body,
        headers: (attempt) => ({
          'content-type': 'application/json',
          'x-carrier-attempt': String(attempt),
          ...(options.secret === undefined
            ? {}
            : { [signatureHeader]: signatureOf(options.secret, body, options.now()) }),
        }),
        signal,
        onRetry,
      });
    },
    close: () => http.close(),
  };
}
