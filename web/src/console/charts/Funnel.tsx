/** The journey funnel: one centred bar per stage, as wide as its share of the first stage. */
import { useText } from "../i18n";
import type { StageCount } from "../types";

export function Funnel({ stages }: { readonly stages: readonly StageCount[] }) {
  const { c, number, percent } = useText();
  const first = stages[0]?.count ?? 0;
  if (stages.length === 0) return <p class="muted">{c("dashboard.noData")}</p>;
  return (
    <ol class="funnel" aria-label={c("dashboard.funnel")} data-testid="funnel">
      {stages.map((s) => {
        const share = first > 0 ? s.count / first : 0;
        return (
          <li key={s.stage} class="funnel__stage" data-key={s.stage}>
            <span class="funnel__bar" style={{ inlineSize: `${Math.max(share * 100, 1)}%` }} aria-hidden="true" />
            <span class="funnel__text">
              <span>{funnelLabel(c, s.stage)}</span>
              <strong data-value={s.count}>{number(s.count)}</strong>
              <span class="muted">{percent(share)}</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

const STAGES = ["contacted", "informed", "registered", "in_training_or_accompanied", "employed_or_self_employed"] as const;
type FunnelStage = (typeof STAGES)[number];

function funnelLabel(c: ReturnType<typeof useText>["c"], stage: string): string {
  return (STAGES as readonly string[]).includes(stage) ? c(`funnel.${stage as FunnelStage}`) : stage;
}
