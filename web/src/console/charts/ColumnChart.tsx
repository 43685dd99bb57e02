/**
 * Counts per period as columns in an SVG. Time runs left to right in every
 * language (as on a calendar printed in Arabic too); labels are text, the
 * exact numbers are in each column's tooltip and in the table beside it.
 */
import { useText } from "../i18n";

export interface Point {
  readonly label: string;
  readonly value: number;
}

const WIDTH = 960;
const HEIGHT = 240;
const AXIS = 24;
const TOP = 18;
/** Room at both ends so that the first and last labels are not cut. */
const SIDE = 28;

export function ColumnChart({ points, label, testId }: { readonly points: readonly Point[]; readonly label: string; readonly testId?: string }) {
  const { c, number } = useText();
  if (points.length === 0) return <p class="muted">{c("dashboard.noData")}</p>;
  const max = Math.max(1, ...points.map((p) => p.value));
  const slot = (WIDTH - 2 * SIDE) / points.length;
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  const plot = HEIGHT - AXIS - TOP;
  // Label every n-th column so that labels never overlap.
  const every = Math.max(1, Math.ceil(points.length / 12));
  return (
    <figure class="columns" data-testid={testId}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
        <line x1={0} x2={WIDTH} y1={HEIGHT - AXIS} y2={HEIGHT - AXIS} class="columns__axis" />
        {points.map((p, i) => {
          const h = (p.value / max) * plot;
          const x = SIDE + i * slot + (slot - barWidth) / 2;
          return (
            <g key={p.label}>
              <rect x={x} y={HEIGHT - AXIS - h} width={barWidth} height={h} class="columns__bar">
                <title>{`${p.label}: ${number(p.value)}`}</title>
              </rect>
              {p.value > 0 && slot > 24 ? (
                <text x={x + barWidth / 2} y={HEIGHT - AXIS - h - 4} class="columns__value" text-anchor="middle">
                  {number(p.value)}
                </text>
              ) : null}
              {i % every === 0 ? (
                <text x={x + barWidth / 2} y={HEIGHT - 6} class="columns__label" text-anchor="middle">
                  {p.label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
