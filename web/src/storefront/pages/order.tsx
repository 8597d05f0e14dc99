import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post } from '../../common/api.ts';
import { openStream, type StreamState } from '../../common/events.ts';
import { ErrorBox, money, time } from '../../common/ui.tsx';
import {
  cancellable,
  type Email,
  finalStatuses,
  type Order,
  type Payments,
  type Shipment,
  type TimelineEntry,
} from '../types.ts';

// The order page follows the order live: the orders service streams every status change (server-sent
// events fed by its LISTEN connection); each change re-reads the timeline, the payment, the shipment
// and the emails once. Nothing polls: without a change there is no request.

interface Details {
  timeline: TimelineEntry[];
  payments: Payments | null;
  shipments: Shipment[];
  emails: Email[];
}

const emptyDetails: Details = { timeline: [], payments: null, shipments: [], emails: [] };

async function loadDetails(id: string): Promise<Details> {
  const [timeline, payments, shipments, emails] = await Promise.all([
    get<{ timeline: TimelineEntry[] }>(`/api/v1/orders/${id}/timeline`).catch(() => ({ timeline: [] })),
    get<Payments>(`/api/v1/payments/${id}`).catch(() => null),
    get<{ shipments: Shipment[] }>(`/api/v1/shipments?orderId=${id}`).catch(() => ({ shipments: [] })),
    get<{ notifications: Email[] }>(`/api/v1/notifications?orderId=${id}`).catch(() => ({
      notifications: [],
    })),
  ]);
  return {
    timeline: timeline.timeline,
    payments,
    shipments: shipments.shipments,
    emails: emails.notifications,
  };
}

function useLiveOrder(id: string) {
  const [order, setOrder] = useState<Order | null>(null);
  // Every status the stream showed, with its time: the timeline is complete at once, even while the
  // service that keeps timelines has not caught up with the latest change yet.
  const [seen, setSeen] = useState<TimelineEntry[]>([]);
  const [state, setState] = useState<StreamState>('connecting');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setOrder(null);
    setSeen([]);
    setError(null);
    return openStream(`/api/v1/orders/${id}/events`, {
      onState: setState,
      onEvent: (type, data) => {
        if (type !== 'order') {
          if (type === 'error') setError(problemText(data));
          return;
        }
        const next = JSON.parse(data) as Order;
        setOrder(next);
        setSeen((entries) => [
          ...entries,
          { status: next.status, at: next.updatedAt, reasons: next.reasons },
        ]);
      },
    });
  }, [id]);
  return { order, seen, state, error };
}

function problemText(data: string): string {
  try {
    const problem = JSON.parse(data) as { status?: number; detail?: string };
    return problem.status === 404 ? 'There is no such order among yours.' : (problem.detail ?? data);
  } catch {
    return data;
  }
}

export function OrderPage({ id }: { id: string }) {
  const { order, seen, state, error } = useLiveOrder(id);
  const [details, setDetails] = useState<Details>(emptyDetails);
  const [actionError, setActionError] = useState<unknown>(null);
  const [detailsTick, setDetailsTick] = useState(0);
  useEffect(() => {
    if (order === null) return;
    let live = true;
    void loadDetails(id).then((loaded) => live && setDetails(loaded));
    return () => {
      live = false;
    };
  }, [id, order?.status, order?.updatedAt, detailsTick]);

  if (error !== null)
    return (
      <>
        <h1>Order</h1>
        <ErrorBox error={error} />
      </>
    );
  if (order === null)
    return (
      <>
        <h1>Order</h1>
        <p aria-busy="true">{state === 'lost' ? 'Connection lost, reconnecting…' : 'Loading…'}</p>
      </>
    );

  async function cancel(): Promise<void> {
    setActionError(null);
    try {
      await post(`/api/v1/orders/${id}/cancel`);
    } catch (caught) {
      setActionError(caught instanceof ApiError ? caught : String(caught));
    }
  }

  return (
    <>
      {state !== 'open' && !finalStatuses.has(order.status) && (
        <p class="banner" role="status">
          Connection lost: reconnecting. The page catches up as soon as it is back.
        </p>
      )}
      <h1>Order {order.id.slice(0, 8)}</h1>
      <p>
        Status:{' '}
        <strong class={`status ${order.status}`} data-testid="order-status" aria-live="polite">
          {order.status}
        </strong>
        {state === 'open' && !finalStatuses.has(order.status) && <span class="muted"> · following live</span>}
      </p>
      {order.reasons.length > 0 && <p>Why: {order.reasons.join('; ')}</p>}
      <Items order={order} />
      {cancellable.has(order.status) && (
        <button type="button" class="secondary" onClick={() => void cancel()}>
          Cancel this order
        </button>
      )}
      <ErrorBox error={actionError} />
      <div class="grid">
        <Timeline entries={mergedTimeline(details.timeline, seen)} />
        <PaymentCard payments={details.payments} />
        <ShipmentCard shipments={details.shipments} />
      </div>
      <Emails emails={details.emails} onRefresh={() => setDetailsTick((tick) => tick + 1)} />
    </>
  );
}

/** The service's timeline, plus the statuses the stream showed that it does not list yet. */
function mergedTimeline(stored: TimelineEntry[], seen: TimelineEntry[]): TimelineEntry[] {
  const known = new Set(stored.map((entry) => entry.status));
  const missing = seen.filter(
    (entry, index) => !known.has(entry.status) && seen.findIndex((e) => e.status === entry.status) === index,
  );
  return [...stored, ...missing].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

function Items({ order }: { order: Order }) {
  return (
    <div class="scroll card">
      <table>
        <thead>
          <tr>
            <th>Item</th>
            <th>Quantity</th>
            <th>Unit price</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => (
            <tr key={item.sku}>
              <td>{item.sku}</td>
              <td>{item.quantity}</td>
              <td>{money(item.unitPrice, order.currency)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th colSpan={2}>Total</th>
            <th>{money(order.total, order.currency)}</th>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function Timeline({ entries }: { entries: TimelineEntry[] }) {
  return (
    <section class="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol class="timeline">
        {entries.map((entry) => (
          <li
            key={`${entry.status}-${entry.at}`}
            class={entry.status === 'FAILED' || entry.status === 'CANCELLED' ? 'bad' : ''}
          >
            <strong>{entry.status}</strong> <span class="muted">{time(entry.at)}</span>
            {entry.reasons && entry.reasons.length > 0 && <div>{entry.reasons.join('; ')}</div>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function PaymentCard({ payments }: { payments: Payments | null }) {
  return (
    <section class="card" aria-labelledby="payment-title">
      <h2 id="payment-title">Payment</h2>
      {payments === null ? (
        <p class="muted">Not charged yet.</p>
      ) : (
        <>
          <p>
            Status: <strong data-testid="payment-status">{payments.status}</strong>
          </p>
          {payments.charges.map((charge) => (
            <p key={charge.createdAt}>
              {money(charge.amount, charge.currency)} {charge.status.toLowerCase()}
              {charge.reason ? ` — ${charge.reason}` : ''}
            </p>
          ))}
          {payments.refunds.map((refund) => (
            <p key={refund.refundId}>Refunded {money(refund.amount, refund.currency)}</p>
          ))}
        </>
      )}
    </section>
  );
}

function ShipmentCard({ shipments }: { shipments: Shipment[] }) {
  const [shipment] = shipments;
  return (
    <section class="card" aria-labelledby="shipment-title">
      <h2 id="shipment-title">Shipment</h2>
      {shipment === undefined ? (
        <p class="muted">Not shipped yet.</p>
      ) : (
        <>
          <p>
            {shipment.carrier}: {shipment.status}
          </p>
          <p>
            Tracking number:{' '}
            <strong data-testid="tracking-number">{shipment.trackingNumber ?? 'not yet assigned'}</strong>
          </p>
        </>
      )}
    </section>
  );
}

function Emails({ emails, onRefresh }: { emails: Email[]; onRefresh: () => void }) {
  return (
    <section class="card" aria-labelledby="emails-title">
      <h2 id="emails-title">Emails sent to you</h2>
      <button type="button" class="secondary" onClick={onRefresh}>
        Check for new emails
      </button>
      {emails.length === 0 && <p class="muted">None yet.</p>}
      {emails.map((email) => (
        <details key={`${email.orderStatus}-${email.subject}`} class="email">
          <summary>
            {email.subject}{' '}
            <span class="muted">
              ({email.status.toLowerCase()}, to {email.to})
            </span>
          </summary>
          <pre>{email.text}</pre>
        </details>
      ))}
    </section>
  );
}
