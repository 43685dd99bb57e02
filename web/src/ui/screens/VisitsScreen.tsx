import { useMemo } from "preact/hooks";
import { useI18n } from "../../i18n";
import { useEntries } from "../hooks";
import { Screen } from "../components/Screen";
import type { IndexEntry, VisitSummary } from "../../store/types";

type VisitEntry = IndexEntry & { summary: VisitSummary };

export function VisitsScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const entries = useEntries();
  const visits = useMemo(() => entries.filter((e): e is VisitEntry => e.summary.kind === "visit").sort((a, b) => (a.summary.date < b.summary.date ? 1 : -1)), [entries]);
  return (
    <Screen
      title={t("visits.title")}
      action={
        <a class="button button--primary button--small" href="#/visits/new" data-testid="new-visit">
          + {t("visits.new")}
        </a>
      }
    >
      {visits.length === 0 ? <p class="empty">{t("visits.empty")}</p> : null}
      <ul class="list" data-testid="visits-list">
        {visits.map((v) => (
          <li key={v.id}>
            <a class="list__item" href={`#/visits/${v.id}`}>
              <span class="list__title" dir="auto">
                {v.summary.neighbourhood}
                {v.summary.place ? ` · ${v.summary.place}` : ""}
              </span>
              <span class="list__meta">
                {i18n.date(v.summary.date)} · {t("visits.reached", { reached: v.summary.reached, women: v.summary.womenReached })}
              </span>
              {v.sync.dirty ? <span class="dot-pending" aria-hidden="true" /> : null}
            </a>
          </li>
        ))}
      </ul>
    </Screen>
  );
}
