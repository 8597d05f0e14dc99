// A small SVG line chart: the lag and order charts need no charting library. The numbers it draws
// are also in its text alternative, for screen readers.

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
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-label={`${label}: latest ${last?.y ?? 0}, highest ${maxY}`}
      >
        <line x1="30" y1={height - 20} x2={width - 10} y2={height - 20} stroke="#9aa4ae" />
        <text x="2" y="14" font-size="11">
          {maxY}
        </text>
        <text x="2" y={height - 22} font-size="11">
          0
        </text>
        <path d={path} fill="none" stroke="#0b5cad" stroke-width="2" />
      </svg>
      <figcaption class="muted">{label}</figcaption>
    </figure>
  );
}

export function BarChart({ label, bars }: { label: string; bars: { name: string; value: number }[] }) {
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
            <span>{bar.value}</span>
          </div>
        ))}
      </div>
      <figcaption class="muted">{label}</figcaption>
    </figure>
  );
}
