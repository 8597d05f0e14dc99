import {
  AppError,
  badGateway,
  type CircuitBreakerSettings,
  createHttpClient,
  type HttpAnswer,
  type HttpClient,
} from '@microshop/platform';
import { z } from 'zod';
import type { CarrierCancellation } from '../domain/decide.ts';
import type { BookingRequest, Carrier, CarrierBooking } from './carrier.ts';

/**
 * The adapter for the sandbox carrier's API (services/carrier-sandbox):
 *   POST /v1/shipments (Idempotency-Key) · GET /v1/shipments?reference= · POST /v1/shipments/{id}/cancel
 * through the kit's HTTP client: a timeout per attempt, and retries with backoff on what may go away
 * by itself (no connection, no answer in time, 429 and 5xx); other answers come back here, where a
 * 404 or 422 means something for the call. Its answers are read with schemas of our own: the
 * carrier is another party, and a change on its side must fail here, loudly, not deep inside a
 * transaction.
 */

export interface SandboxCarrierOptions {
  baseUrl: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Wait before the second attempt, doubled each time (with jitter) up to 16 times it. */
  backoffMs: number;
  /** Shared by every call: a carrier that keeps failing is not called for a while (calls fail at once). */
  circuitBreaker?: CircuitBreakerSettings;
}

export interface SandboxCarrier extends Carrier {
  /** Closes the connection pool (a stop step of the service). */
  close(): Promise<void>;
}

export const sandboxCarrierName = 'sandbox-express';

const carrierShipment = z.object({
  id: z.string().min(1),
  trackingNumber: z.string().min(1),
  status: z.enum(['booked', 'delivered', 'cancelled']),
  reference: z.string(),
  carrier: z.string().min(1),
});
type CarrierShipment = z.infer<typeof carrierShipment>;
const shipmentList = z.object({ shipments: z.array(carrierShipment) });

export function createSandboxCarrier(options: SandboxCarrierOptions): SandboxCarrier {
  const http = createHttpClient({
    name: 'carrier',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    retry: { maxAttempts: options.maxAttempts, initialMs: options.backoffMs, maxMs: options.backoffMs * 16 },
    circuitBreaker: options.circuitBreaker,
  });
  return {
    name: sandboxCarrierName,
    book: (request, signal) => book(http, request, signal),
    cancelAll: (orderId, signal) => cancelAll(http, orderId, signal),
    close: () => http.close(),
  };
}

async function book(
  http: HttpClient,
  request: BookingRequest,
  signal?: AbortSignal,
): Promise<CarrierBooking> {
  const answer = await http.send({
    method: 'POST',
    url: '/v1/shipments',
    headers: { 'idempotency-key': request.idempotencyKey },
    json: { reference: request.orderId, parcels: request.parcels, callbackUrl: request.callbackUrl },
    signal,
  });
  if (answer.status === 200 || answer.status === 201)
    return toBooking(read(carrierShipment, answer), request.orderId);
  if (answer.status === 422) return adoptEarlierBooking(http, request.orderId, signal);
  throw refused('booking', answer);
}

/**
 * 422: our key was used before with another body, i.e. this order was booked already while something
 * in the request changed (e.g. the callback URL after a redeploy). The order has that booking: use it.
 */
async function adoptEarlierBooking(
  http: HttpClient,
  orderId: string,
  signal?: AbortSignal,
): Promise<CarrierBooking> {
  const earlier = (await list(http, orderId, signal)).find((shipment) => shipment.status !== 'cancelled');
  if (earlier === undefined) {
    throw new AppError(
      'BAD_GATEWAY',
      `The carrier refused the booking key of order ${orderId} and has no booking for it`,
      {
        retriable: false,
      },
    );
  }
  return toBooking(earlier, orderId);
}

async function cancelAll(
  http: HttpClient,
  orderId: string,
  signal?: AbortSignal,
): Promise<CarrierCancellation> {
  const shipments = await list(http, orderId, signal);
  let outcome: CarrierCancellation = shipments.some((s) => s.status === 'cancelled')
    ? 'cancelled'
    : 'nothing-booked';
  for (const shipment of shipments) {
    if (shipment.status === 'delivered') return 'already-delivered';
    if (shipment.status === 'cancelled') continue;
    const answer = await http.send({
      method: 'POST',
      url: `/v1/shipments/${encodeURIComponent(shipment.id)}/cancel`,
      signal,
    });
    if (answer.status === 409) return 'already-delivered';
    if (answer.status !== 200) throw refused('cancellation', answer);
    outcome = 'cancelled';
  }
  return outcome;
}

async function list(http: HttpClient, orderId: string, signal?: AbortSignal): Promise<CarrierShipment[]> {
  const answer = await http.send({
    method: 'GET',
    url: `/v1/shipments?reference=${encodeURIComponent(orderId)}`,
    signal,
  });
  if (answer.status !== 200) throw refused('lookup', answer);
  return read(shipmentList, answer).shipments;
}

function toBooking(shipment: CarrierShipment, orderId: string): CarrierBooking {
  if (shipment.reference !== orderId) {
    throw badGateway(
      `The carrier answered with shipment ${shipment.id} of reference ${shipment.reference}, not ${orderId}`,
    );
  }
  return {
    carrierShipmentId: shipment.id,
    trackingNumber: shipment.trackingNumber,
    carrier: shipment.carrier,
  };
}

function read<T>(schema: z.ZodType<T>, answer: HttpAnswer): T {
  const parsed = schema.safeParse(answer.body);
  if (parsed.success) return parsed.data;
  throw badGateway(`The carrier's answer does not match its API: ${parsed.error.message}`);
}

/** A 4xx the adapter did not expect: our request is wrong, and sending it again will not help. */
function refused(what: string, answer: HttpAnswer): AppError {
  const detail = JSON.stringify(answer.body)?.slice(0, 500);
  return new AppError('BAD_GATEWAY', `The carrier refused the ${what} with ${answer.status}: ${detail}`, {
    retriable: false,
  });
}
