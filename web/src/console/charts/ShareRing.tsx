/** One share of a whole (women among people reached) as a ring with the figure in its middle. */
import { useText } from "../i18n";

const R = 40;
const CIRCUMFERENCE = 2 * Math.PI * R;

export function ShareRing({ part, whole, label, caption }: { readonly part: number; readonly whole: number; readonly label: string; readonly caption: string }) {
  const { percent } = useText();
  const share = whole > 0 ? part / whole : 0;
  return (
    <figure class="ring">
      <svg viewBox="0 0 100 100" role="img" aria-label={`${label}: ${percent(share)}`}>
        <circle cx={50} cy={50} r={R} class="ring__track" />
        <circle
          cx={50}
          cy={50}
          r={R}
          class="ring__fill"
          stroke-dasharray={`${share * CIRCUMFERENCE} ${CIRCUMFERENCE}`}
          transform="rotate(-90 50 50)"
        />
        <text x={50} y={55} text-anchor="middle" class="ring__text">
          {percent(share)}
        </text>
      </svg>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}
