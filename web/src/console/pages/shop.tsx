import { get } from '../../common/api.ts';
import { useLocation } from '../../common/router.ts';
import { Loading, time, useLoad } from '../../common/ui.tsx';
import type { Product } from '../../storefront/types.ts';
import { BarChart } from '../chart.tsx';
import { Catalog } from './shop-catalog.tsx';
import { OrderCharts } from './shop-charts.tsx';
import { CustomerOrders, Customers } from './shop-customers.tsx';

// The shop at a glance: each service's health as the gateway sees it, the event flow, the order
// charts, the catalog with stock, reservations and each product's audit, customers and their levels,
// and the mail sink's latest messages.

interface Upstreams {
  services: { service: string; instances: { origin: string; healthy?: boolean; state?: string }[] }[];
}
interface Mail {
  id: string;
  to: string[] | string;
  subject: string;
  receivedAt?: string;
}

export function Shop() {
  const customer = useLocation().params.get('customer');
  const health = useLoad(() => get<Upstreams>('/api/v1/_gateway/upstreams'), []);
  const flow = useLoad(
    () => get<{ ok: boolean; problem: string | null; outboxLagMs: number }>('/api/v1/ops/event-flow'),
    [],
  );
  const products = useLoad(() => get<{ products: Product[] }>('/api/v1/products'), []);
  const mail = useLoad(() => get<{ messages: Mail[] }>('/api/v1/mail?limit=20'), []);
  return (
    <>
      <h1>Shop</h1>
      <div class="grid">
        <section class="card" aria-labelledby="shop-health">
          <h2 id="shop-health">Services</h2>
          <Loading loaded={health}>
            {({ services }) => (
              <ul>
                {services.map((s) => (
                  <li key={s.service}>
                    {s.service}:{' '}
                    {s.instances.map((i) => (i.healthy === false ? 'down' : 'up')).join(', ') ||
                      'not configured'}
                  </li>
                ))}
              </ul>
            )}
          </Loading>
          <Loading loaded={flow}>
            {(value) => (
              <p>
                Event flow:{' '}
                {value.ok ? `ok (outbox lag ${value.outboxLagMs} ms)` : `stopped — ${value.problem}`}
              </p>
            )}
          </Loading>
        </section>
        <section class="card" aria-labelledby="shop-stock">
          <h2 id="shop-stock">Stock</h2>
          <Loading loaded={products}>
            {({ products: list }) => (
              <BarChart
                label="Units available per product"
                bars={list.slice(0, 12).map((p) => ({ name: p.sku, value: p.stock - p.reserved }))}
              />
            )}
          </Loading>
        </section>
      </div>
      <OrderCharts />
      {customer === null ? <Customers /> : <CustomerOrders customerId={customer} />}
      <h2>Catalog</h2>
      <Loading loaded={products}>{({ products: list }) => <Catalog products={list} />}</Loading>
      <h2>Mail sink</h2>
      <Loading loaded={mail}>
        {({ messages }) => (
          <ul>
            {messages.slice(0, 20).map((m) => (
              <li key={m.id}>
                {time(m.receivedAt)} · {Array.isArray(m.to) ? m.to.join(', ') : m.to} · {m.subject}
              </li>
            ))}
          </ul>
        )}
      </Loading>
    </>
  );
}
