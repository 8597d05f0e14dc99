import { get, query } from '../../common/api.ts';
import { navigate, useLocation } from '../../common/router.ts';
import { Loading, Table, time, useLoad } from '../../common/ui.tsx';
import { BarChart, type Series, StackedBarChart } from '../chart.tsx';

// The order charts: status changes per minute, the checkout funnel and step latencies over a chosen
// range, all computed by order-background from every order's timeline (GET /api/v1/order-stats): the
// browser draws, it never counts.

interface OrderStats {
  range: string;
  from: string;
  to: string;
  bucketSeconds: number;
  buckets: { at: string; counts: Partial<Record<string, number>> }[];
  funnel: { status: string; orders: number }[];
  ended: { FAILED: number; CANCELLED: number };
  latency: {
    from: string;
    to: string;
    orders: number;
    p50Ms: number | null;
    p95Ms: number | null;
    p99Ms: number | null;
  }[];
}

const ranges = [
  ['15m', '15 minutes'],
  ['1h', '1 hour'],
  ['24h', '24 hours'],
] as const;

const statusSeries: Series[] = [
  { name: 'CREATED', color: '#7a8694' },
  { name: 'VALIDATED', color: '#5b8def' },
  { name: 'APPROVED', color: '#0b5cad' },
  { name: 'SHIPPED', color: '#2e9d5b' },
  { name: 'DELIVERED', color: '#1b6e3c' },
  { name: 'FAILED', color: '#c0392b' },
  { name: 'CANCELLED', color: '#e08e0b' },
];

export function OrderCharts() {
  const { params } = useLocation();
  const range = params.get('range') ?? '1h';
  const stats = useLoad(() => get<OrderStats>(`/api/v1/order-stats${query({ range })}`), [range]);
  const pick = (value: string) => {
    const next = new URLSearchParams(params);
    next.set('range', value);
    navigate(`/console/shop?${next.toString()}`, { replace: true });
  };
  return (
    <section aria-labelledby="shop-orders">
      <h2 id="shop-orders">Orders</h2>
      <div class="row">
        <label for="stats-range">Range</label>
        <select id="stats-range" value={range} onChange={(e) => pick((e.target as HTMLSelectElement).value)}>
          {ranges.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <button type="button" class="secondary" onClick={stats.reload}>
          Refresh
        </button>
      </div>
      <Loading loaded={stats}>{(value) => <Charts stats={value} />}</Loading>
    </section>
  );
}

function Charts({ stats }: { stats: OrderStats }) {
  const per = stats.bucketSeconds === 60 ? 'minute' : `${stats.bucketSeconds / 60} minutes`;
  const created = stats.funnel[0]?.orders ?? 0;
  return (
    <div data-testid="order-charts">
      <p class="muted">
        {time(stats.from)} to {time(stats.to)}
      </p>
      <StackedBarChart
        label={`Orders entering each status, per ${per}`}
        series={statusSeries}
        columns={stats.buckets.map((b) => ({ x: time(b.at), values: b.counts }))}
      />
      <div class="grid">
        <section class="card" aria-labelledby="funnel-title" data-testid="funnel">
          <h3 id="funnel-title">Funnel of the orders taken</h3>
          <BarChart
            label={`Of ${created} orders created: failed ${stats.ended.FAILED}, cancelled ${stats.ended.CANCELLED}`}
            bars={stats.funnel.map((stage) => ({
              name: stage.status,
              value: stage.orders,
              note: created === 0 ? '' : `${Math.round((stage.orders / created) * 100)}%`,
            }))}
          />
        </section>
        <section class="card" aria-labelledby="latency-title">
          <h3 id="latency-title">How long each step took</h3>
          <BarChart
            label="p95 of each step, in ms"
            bars={stats.latency.map((step) => ({
              name: `${step.from} → ${step.to}`,
              value: step.p95Ms ?? 0,
            }))}
          />
        </section>
      </div>
      <Table
        caption="Latency percentiles of the orders taken in the range"
        head={['Step', 'Orders', 'p50', 'p95', 'p99']}
        rows={stats.latency}
        rowKey={(step) => `${step.from}-${step.to}`}
        rowTestId="latency-row"
        cells={(step) => [
          `${step.from} → ${step.to}`,
          step.orders,
          ms(step.p50Ms),
          ms(step.p95Ms),
          ms(step.p99Ms),
        ]}
      />
    </div>
  );
}

function ms(value: number | null): string {
  if (value === null) return '—';
  return value < 10_000 ? `${value} ms` : `${(value / 1000).toFixed(1)} s`;
}
