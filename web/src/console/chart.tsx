import type { ComponentChildren } from 'preact';

// Small SVG and CSS charts: the lag and order charts need no charting library. The numbers each one
// draws are also in its text alternative, for screen readers, and in a tooltip per bar.

export interface Point {
  x: number;
  y: number;
}

export function LineChart({
  label,
  points,
  width = 600,
  height = 160,
}: {
  label: string;
  points: Point[];
  width?: number;
  height?: number;
}) {
  if (points.length === 0) return <p class="muted">{label}: no samples yet.</p>;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [minX, maxX] = [Math.min(...xs), Math.max(...xs)];
  const maxY = Math.max(1, ...ys);
  const px = (x: number) => (maxX === minX ? width / 2 : ((x - minX) / (maxX - minX)) * (width - 40) + 30);
  const py = (y: number) => height - 20 - (y / maxY) * (height - 30);
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`)
    .join(' ');
  const last = points.at(-1);
  return (
    <figure>
      <Plot
        width={width}
        height={height}
        maxY={maxY}
        alt={`${label}: latest ${last?.y ?? 0}, highest ${maxY}`}
      >
        <path d={path} fill="none" stroke="#0b5cad" stroke-width="2" />
      </Plot>
      <figcaption class="muted">{label}</figcaption>
    </figure>
  );
}

/** An SVG chart's canvas with its base line and scale (0 and the highest value), its numbers in `alt`. */
function Plot(props: {
  width: number;
  height: number;
  maxY: number;
  alt: string;
  children: ComponentChildren;
}) {
  const { width, height, maxY } = props;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={props.alt}>
      <line x1="30" y1={height - 20} x2={width - 10} y2={height - 20} stroke="#9aa4ae" />
      <text x="2" y="14" font-size="11">
        {maxY}
      </text>
      <text x="2" y={height - 22} font-size="11">
        0
      </text>
      {props.children}
    </svg>
  );
}

export function BarChart({
  label,
  bars,
}: {
  label: string;
  bars: { name: string; value: number; note?: string }[];
}) {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  return (
    <figure>
      <div role="img" aria-label={`${label}: ${bars.map((bar) => `${bar.name} ${bar.value}`).join(', ')}`}>
        {bars.map((bar) => (
          <div key={bar.name} class="row" style="align-items:center">
            <span style="width:8rem">{bar.name}</span>
            <span
              style={`display:inline-block;height:1rem;background:#0b5cad;width:${(bar.value / max) * 60}%`}
            />
            <span>
              {bar.value}
              {bar.note !== undefined && <span class="muted"> {bar.note}</span>}
            </span>
          </div>
        ))}
      </div>
      <figcaption class="muted">{label}</figcaption>
    </figure>
  );
}

export interface Series {
  name: string;
  color: string;
}

export interface Column {
  /** What the column stands for, e.g. its time. */
  x: string;
  values: Partial<Record<string, number>>;
}

/** Columns of stacked bars (one colour a series) with a legend: e.g. orders per minute by status. */
export function StackedBarChart({
  label,
  series,
  columns,
  width = 600,
  height = 180,
}: {
  label: string;
  series: readonly Series[];
  columns: readonly Column[];
  width?: number;
  height?: number;
}) {
  const totals = columns.map((column) => series.reduce((sum, s) => sum + (column.values[s.name] ?? 0), 0));
  const maxY = Math.max(1, ...totals);
  const slot = (width - 40) / Math.max(1, columns.length);
  const py = (y: number) => ((height - 30) * y) / maxY;
  const sums = series.map((s) => `${s.name} ${columns.reduce((sum, c) => sum + (c.values[s.name] ?? 0), 0)}`);
  return (
    <figure>
      <Plot width={width} height={height} maxY={maxY} alt={`${label}: ${sums.join(', ')}`}>
        {columns.map((column, index) => (
          <g key={column.x} data-testid="chart-column">
            <title>{`${column.x}: ${series.map((s) => `${s.name} ${column.values[s.name] ?? 0}`).join(', ')}`}</title>
            {stack(series, column).map(({ color, below, value }) => (
              <rect
                key={color}
                x={30 + index * slot + 1}
                width={Math.max(1, slot - 2)}
                y={height - 20 - py(below + value)}
                height={py(value)}
                fill={color}
              />
            ))}
          </g>
        ))}
      </Plot>
      <figcaption class="muted">
        {label} ·{' '}
        {series.map((s) => (
          <span key={s.name} style="margin-right:.75rem">
            <span
              aria-hidden="true"
              style={`display:inline-block;width:.8rem;height:.8rem;background:${s.color}`}
            />{' '}
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Each series' segment of a column, bottom up: where it starts and how tall it is. */
function stack(series: readonly Series[], column: Column) {
  let below = 0;
  return series.flatMap((s) => {
    const value = column.values[s.name] ?? 0;
    if (value === 0) return [];
    const segment = { color: s.color, below, value };
    below += value;
    return [segment];
  });
}
