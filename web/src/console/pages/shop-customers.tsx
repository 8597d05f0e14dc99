import { useState } from 'preact/hooks';
import { api, get, query } from '../../common/api.ts';
import { navigate, useLocation } from '../../common/router.ts';
import { ErrorBox, Field, Loading, money, Table, time, useLoad } from '../../common/ui.tsx';
import type { Order } from '../../storefront/types.ts';

// Customers and their levels (GET /api/v1/customers: newest first, keyset pages, by level or the
// start of the email), each with a link to their orders; a level is changed with the customers
// service's own PATCH, which publishes the change.

interface Customer {
  id: string;
  name: string;
  email: string;
  level: string;
  createdAt: string;
}

const levels = ['bronze', 'silver', 'gold', 'platinum'];

/** The shop page's URL with some of its parameters changed (empty ones dropped). */
function shopUrl(params: URLSearchParams, changes: Record<string, string>): string {
  const next = new URLSearchParams(params);
  for (const [name, value] of Object.entries(changes)) {
    if (value === '') next.delete(name);
    else next.set(name, value);
  }
  return `/console/shop?${next.toString()}`;
}

export function Customers() {
  const { params } = useLocation();
  const [level, q, cursor] = [params.get('level') ?? '', params.get('q') ?? '', params.get('cursor') ?? ''];
  const page = useLoad(
    () =>
      get<{ items: Customer[]; next: string | null }>(
        `/api/v1/customers${query({ level, q, cursor, limit: 20 })}`,
      ),
    [level, q, cursor],
  );
  const [search, setSearch] = useState(q);
  return (
    <section aria-labelledby="shop-customers">
      <h2 id="shop-customers">Customers</h2>
      <form
        class="row card"
        aria-label="Find customers"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(shopUrl(params, { q: search, cursor: '', customer: '' }));
        }}
      >
        <Field label="Email starts with" name="q" value={search} onInput={setSearch} error={null} />
        <div class="field">
          <label for="customer-level">Level</label>
          <select
            id="customer-level"
            value={level}
            onChange={(e) =>
              navigate(shopUrl(params, { level: (e.target as HTMLSelectElement).value, cursor: '' }))
            }
          >
            <option value="">every level</option>
            {levels.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Find</button>
      </form>
      <Loading loaded={page}>
        {({ items, next }) => (
          <>
            <Table
              head={['Customer', 'Email', 'Since', 'Level', 'Orders']}
              rows={items}
              rowKey={(c) => c.id}
              rowTestId="customer-row"
              cells={(c) => [
                c.name,
                c.email,
                time(c.createdAt),
                <LevelEditor key={c.id} customer={c} onChanged={page.reload} />,
                <a key="orders" href={shopUrl(params, { customer: c.id })}>
                  Orders of {c.name}
                </a>,
              ]}
            />
            <div class="row">
              {cursor !== '' && <a href={shopUrl(params, { cursor: '' })}>First page</a>}
              {next !== null && <a href={shopUrl(params, { cursor: next })}>Next page</a>}
            </div>
          </>
        )}
      </Loading>
    </section>
  );
}

function LevelEditor({ customer, onChanged }: { customer: Customer; onChanged: () => void }) {
  const [level, setLevel] = useState(customer.level);
  const [error, setError] = useState<unknown>(null);
  const save = async () => {
    setError(null);
    try {
      await api('PATCH', `/api/v1/customers/${customer.id}`, { level });
      onChanged();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <div class="row">
      <select
        aria-label={`Level of ${customer.email}`}
        value={level}
        onChange={(e) => setLevel((e.target as HTMLSelectElement).value)}
      >
        {levels.map((value) => (
          <option key={value} value={value}>
            {value}
          </option>
        ))}
      </select>
      {level !== customer.level && (
        <button type="button" onClick={() => void save()}>
          Change level
        </button>
      )}
      <ErrorBox error={error} />
    </div>
  );
}

/** One customer's orders (order-background's history, which operators may read), each to its flow. */
export function CustomerOrders({ customerId }: { customerId: string }) {
  const { params } = useLocation();
  const orders = useLoad(
    () => get<{ orders: Order[] }>(`/api/v1/customers/${customerId}/orders?limit=50`),
    [customerId],
  );
  return (
    <section aria-labelledby="customer-orders">
      <h2 id="customer-orders">Orders of customer {customerId.slice(0, 8)}</h2>
      <a href={shopUrl(params, { customer: '' })}>Back to every customer</a>
      <Loading loaded={orders}>
        {({ orders: list }) =>
          list.length === 0 ? (
            <p class="muted">No orders yet.</p>
          ) : (
            <Table
              head={['Order', 'Status', 'Total', 'Created']}
              rows={list}
              rowKey={(o) => o.id}
              rowTestId="customer-order"
              cells={(o) => [
                <a key="flow" href={`/console/flow?order=${o.id}`}>
                  {o.id.slice(0, 8)}
                </a>,
                <span key="status" class={`status ${o.status}`}>
                  {o.status}
                </span>,
                money(o.total, o.currency),
                time(o.createdAt),
              ]}
            />
          )
        }
      </Loading>
    </section>
  );
}
