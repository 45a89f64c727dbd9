/**
 * Small inline SVG charts. Each has a text title for screen readers and is followed by its
 * numbers in a table, so that nothing is said by colour or shape alone.
 */
export interface Series { name: string; className: string; values: number[] }
/** A line's values; null where there is nothing to measure (the line skips that day). */
export interface LineSeries { name: string; className: string; values: Array<number | null> }

const W = 640;
const H = 220;
// Room for tick labels at 15 SVG units (about 13 px on a half-width card; 11 units read as 9 px)
// and for the axis titles below and beside the plot.
const PAD = { l: 62, r: 12, t: 12, b: 56 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const n = v / p;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
}

/** What the axes measure, in the reader's language ("Tag", "E-Mails"). */
export interface AxisTitles { x?: string; y?: string }

function Axes({ max, labels, x, titles }: { max: number; labels: string[]; x: (i: number) => number; titles?: AxisTitles }) {
  const ticks = [0, 0.5, 1].map((f) => f * max);
  // Labels at 15 units need about 60 units each: at most 9 fit the plot's width.
  const every = Math.max(1, Math.ceil(labels.length / 9));
  const format = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 1 });
  return (
    <g className="axis">
      {ticks.map((v) => {
        const y = PAD.t + (H - PAD.t - PAD.b) * (1 - v / max);
        return (
          <g key={v}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y} y2={y} className="grid" />
            <text x={PAD.l - 6} y={y + 5} textAnchor="end">
              {format.format(v)}
            </text>
          </g>
        );
      })}
      {labels.map((l, i) =>
        i % every === 0 ? (
          <text key={l + i} x={x(i)} y={H - PAD.b + 20} textAnchor="middle">
            {l}
          </text>
        ) : null,
      )}
      {titles?.x ? (
        <text className="axis-title" x={PAD.l + (W - PAD.l - PAD.r) / 2} y={H - 6} textAnchor="middle">
          {titles.x}
        </text>
      ) : null}
      {titles?.y ? (
        <text className="axis-title" x={-(PAD.t + (H - PAD.t - PAD.b) / 2)} y={16} transform="rotate(-90)" textAnchor="middle">
          {titles.y}
        </text>
      ) : null}
    </g>
  );
}

function Legend({ series }: { series: Array<{ name: string; className: string }> }) {
  return (
    <ul className="legend">
      {series.map((s) => (
        <li key={s.name}>
          <svg width="12" height="12" aria-hidden="true">
            <rect width="12" height="12" className={s.className} />
          </svg>{' '}
          {s.name}
        </li>
      ))}
    </ul>
  );
}

function DataTable({ caption, labels, series }: { caption: string; labels: string[]; series: Array<{ name: string; values: Array<number | null> }> }) {
  return (
    <details className="chart-data">
      <summary>{caption}</summary>
      <table>
        <thead>
          <tr>
            <th scope="col"></th>
            {series.map((s) => (
              <th scope="col" key={s.name}>
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((l, i) => (
            <tr key={l + i}>
              <th scope="row">{l}</th>
              {series.map((s) => (
                <td key={s.name}>{s.values[i] ?? '–'}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** Stacked bars: one bar per label, one segment per series. */
export function BarChart({ title, labels, series, tableCaption, axes }: { title: string; labels: string[]; series: Series[]; tableCaption: string; axes?: AxisTitles }) {
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const innerW = W - PAD.l - PAD.r;
  const innerH = H - PAD.t - PAD.b;
  const band = innerW / Math.max(1, labels.length);
  const x = (i: number) => PAD.l + band * (i + 0.5);
  return (
    <figure className="chart">
      <svg className="plot" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <title>{title}</title>
        <Axes max={max} labels={labels} x={x} titles={axes} />
        {labels.map((l, i) => {
          let y = PAD.t + innerH;
          return (
            <g key={l + i}>
              {series.map((s) => {
                const v = s.values[i] ?? 0;
                const h = (v / max) * innerH;
                y -= h;
                return v > 0 ? (
                  <rect key={s.name} x={x(i) - band * 0.35} y={y} width={band * 0.7} height={h} className={s.className}>
                    <title>{`${l} – ${s.name}: ${v}`}</title>
                  </rect>
                ) : null;
              })}
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? <Legend series={series} /> : null}
      <DataTable caption={tableCaption} labels={labels} series={series} />
    </figure>
  );
}

/** Lines over the labels, one per series. */
export function LineChart({ title, labels, series, tableCaption, axes }: { title: string; labels: string[]; series: LineSeries[]; tableCaption: string; axes?: AxisTitles }) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const innerW = W - PAD.l - PAD.r;
  const innerH = H - PAD.t - PAD.b;
  const step = labels.length > 1 ? innerW / (labels.length - 1) : 0;
  const x = (i: number) => PAD.l + (labels.length > 1 ? step * i : innerW / 2);
  const y = (v: number) => PAD.t + innerH * (1 - v / max);
  return (
    <figure className="chart">
      <svg className="plot" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <title>{title}</title>
        <Axes max={max} labels={labels} x={x} titles={axes} />
        {series.map((s) => (
          <g key={s.name} className={s.className}>
            <polyline fill="none" strokeWidth="2" points={s.values.flatMap((v, i) => (v === null ? [] : [`${x(i)},${y(v)}`])).join(' ')} />
            {s.values.map((v, i) =>
              v === null ? null : (
                <circle key={i} cx={x(i)} cy={y(v)} r="3">
                  <title>{`${labels[i] ?? ''} – ${s.name}: ${v}`}</title>
                </circle>
              ),
            )}
          </g>
        ))}
      </svg>
      <Legend series={series} />
      <DataTable caption={tableCaption} labels={labels} series={series} />
    </figure>
  );
}

/** Horizontal bars with their labels, for rankings such as the top rejection reasons. */
export function HBarChart({ title, items }: { title: string; items: Array<{ label: string; value: number }> }) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return (
    <figure className="chart hbar" aria-label={title}>
      <ul>
        {items.map((i) => (
          <li key={i.label}>
            <span className="hbar-label">{i.label}</span>
            <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" className="hbar-track">
              <rect width={(i.value / max) * 100} height="10" className="series-rejected" />
            </svg>
            <span className="hbar-value">{i.value}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
