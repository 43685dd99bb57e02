/**
 * Horizontal bars drawn with HTML: the bar grows along the inline axis, so
 * Arabic mirrors it with the text, and the numbers stay readable text.
 */
import { useText } from "../i18n";

export interface Bar {
  readonly key: string;
  readonly label: string;
  readonly value: number;
}

export function BarList({ bars, label, testId }: { readonly bars: readonly Bar[]; readonly label: string; readonly testId?: string }) {
  const { c, number } = useText();
  const max = Math.max(0, ...bars.map((b) => b.value));
  if (bars.length === 0) return <p class="muted">{c("dashboard.noData")}</p>;
  return (
    <ul class="bars" aria-label={label} data-testid={testId}>
      {bars.map((bar) => (
        <li key={bar.key} class="bars__row" data-key={bar.key}>
          <span class="bars__label">{bar.label}</span>
          <span class="bars__track" aria-hidden="true">
            <span class="bars__fill" style={{ inlineSize: `${max > 0 ? (bar.value / max) * 100 : 0}%` }} />
          </span>
          <span class="bars__value" data-value={bar.value}>
            {number(bar.value)}
          </span>
        </li>
      ))}
    </ul>
  );
}
