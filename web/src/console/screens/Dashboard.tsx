/** The indicators: every figure of `GET /dashboard`, for the filters chosen. */
import { useState } from "preact/hooks";
import { BarList } from "../charts/BarList";
import { ColumnChart } from "../charts/ColumnChart";
import { Funnel } from "../charts/Funnel";
import { ShareRing } from "../charts/ShareRing";
import { Failure, Loading, useLoad } from "../components/load";
import { FilterBar } from "../components/FilterBar";
import { useConsole } from "../context";
import { useText } from "../i18n";
import type { CodeCount, Dashboard as Figures, Filters } from "../types";

export function Dashboard({ filters, onFilters }: { readonly filters: Filters; readonly onFilters: (f: Filters) => void }) {
  const { api } = useConsole();
  const { c } = useText();
  const figures = useLoad(() => api.dashboard(filters), JSON.stringify(filters));
  return (
    <section class="console-page" aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">{c("dashboard.title")}</h1>
      <FilterBar filters={filters} onChange={onFilters} />
      {figures.state === "loading" ? <Loading /> : null}
      {figures.state === "failed" ? <Failure error={figures.error} onRetry={figures.reload} /> : null}
      {figures.state === "ready" ? <Panels figures={figures.data} /> : null}
    </section>
  );
}

function Panels({ figures }: { readonly figures: Figures }) {
  const { c, number, percent, region, label } = useText();
  const [period, setPeriod] = useState<"weekly" | "monthly">("weekly");
  const codes = (list: readonly CodeCount[], show: (code: string) => string) =>
    list.map((x) => ({ key: x.code, label: x.code ? show(x.code) : c("dashboard.unknown"), value: x.count }));
  const s = figures.sessions;
  const v = figures.visits;
  return (
    <div class="panels">
      <div class="tiles" data-testid="tiles">
        <Tile label={c("dashboard.reached")} value={number(figures.women.total)} testId="reached" raw={figures.women.total} />
        <Tile label={c("dashboard.women")} value={percent(figures.women.total ? figures.women.women / figures.women.total : 0)} testId="women-share" />
        <Tile label={c("dashboard.held")} value={number(s.held)} testId="held" raw={s.held} />
        <Tile label={c("dashboard.attendanceRate")} value={percent(s.attendanceRate)} testId="attendance-rate" />
        <Tile label={c("dashboard.visitsCount")} value={number(v.count)} testId="visits" raw={v.count} />
      </div>

      <article class="panel panel--wide">
        <header class="panel__head">
          <h2>{period === "weekly" ? c("dashboard.weekly") : c("dashboard.monthly")}</h2>
          <div class="segmented" role="group">
            {(["weekly", "monthly"] as const).map((p) => (
              <button key={p} type="button" aria-pressed={p === period ? "true" : "false"} onClick={() => setPeriod(p)}>
                {p === "weekly" ? c("dashboard.perWeek") : c("dashboard.perMonth")}
              </button>
            ))}
          </div>
        </header>
        <ColumnChart
          testId={`reached-${period}`}
          label={period === "weekly" ? c("dashboard.weekly") : c("dashboard.monthly")}
          points={figures.reached[period].map((p) => ({ label: p.period, value: p.count }))}
        />
      </article>

      <article class="panel">
        <h2>{c("dashboard.byAgency")}</h2>
        <BarList testId="by-agency" label={c("dashboard.byAgency")} bars={figures.byAgency.map((a) => ({ key: a.id, label: a.name, value: a.count }))} />
      </article>
      <article class="panel">
        <h2>{c("dashboard.byAgent")}</h2>
        <BarList testId="by-agent" label={c("dashboard.byAgent")} bars={figures.byAgent.map((a) => ({ key: a.id, label: a.name, value: a.count }))} />
      </article>

      <article class="panel" data-testid="dashboard-women" data-women={figures.women.women} data-total={figures.women.total}>
        <h2>{c("dashboard.women")}</h2>
        <ShareRing
          part={figures.women.women}
          whole={figures.women.total}
          label={c("dashboard.women")}
          caption={c("dashboard.womenOf", { women: figures.women.women, total: figures.women.total })}
        />
      </article>
      <article class="panel">
        <h2>{c("dashboard.funnel")}</h2>
        <Funnel stages={figures.funnel} />
        <p class="muted">{c("dashboard.funnelHint")}</p>
      </article>

      <article class="panel">
        <h2>{c("dashboard.nationalities")}</h2>
        <BarList testId="nationalities" label={c("dashboard.nationalities")} bars={codes(figures.nationalities, region)} />
      </article>
      <article class="panel">
        <h2>{c("dashboard.statuses")}</h2>
        <BarList testId="statuses" label={c("dashboard.statuses")} bars={codes(figures.statuses, (code) => label("status", code))} />
      </article>
      <article class="panel">
        <h2>{c("dashboard.interests")}</h2>
        <BarList testId="interests" label={c("dashboard.interests")} bars={codes(figures.interests, (code) => label("interest", code))} />
      </article>

      <article class="panel">
        <h2>{c("dashboard.sessions")}</h2>
        <dl class="figures" data-testid="sessions">
          <Figure label={c("dashboard.held")} value={s.held} testId="sessions-held" />
          <Figure label={c("dashboard.registered")} value={s.registered} testId="sessions-registered" />
          <Figure label={c("dashboard.present")} value={s.present} testId="sessions-present" />
          <Figure label={c("dashboard.absent")} value={s.absent} testId="sessions-absent" />
          <div>
            <dt>{c("dashboard.attendanceRate")}</dt>
            <dd>{percent(s.attendanceRate)}</dd>
          </div>
        </dl>
      </article>
      <article class="panel">
        <h2>{c("dashboard.visits")}</h2>
        <dl class="figures" data-testid="visits-figures">
          <Figure label={c("dashboard.visitsCount")} value={v.count} testId="visits-count" />
          <Figure label={c("dashboard.visitsReached")} value={v.reached} testId="visits-reached" />
          <Figure label={c("dashboard.visitsWomen")} value={v.womenReached} testId="visits-women" />
        </dl>
      </article>
    </div>
  );
}

function Tile({ label, value, testId, raw }: { readonly label: string; readonly value: string; readonly testId: string; readonly raw?: number }) {
  return (
    <div class="tile" data-testid={`tile-${testId}`} data-value={raw}>
      <span class="tile__value">{value}</span>
      <span class="tile__label">{label}</span>
    </div>
  );
}

function Figure({ label, value, testId }: { readonly label: string; readonly value: number; readonly testId: string }) {
  const { number } = useText();
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId} data-value={value}>
        {number(value)}
      </dd>
    </div>
  );
}
