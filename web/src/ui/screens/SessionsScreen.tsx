import { useMemo } from "preact/hooks";
import { useI18n, type MessageKey } from "../../i18n";
import { useEntries } from "../hooks";
import { Screen } from "../components/Screen";
import { Meta } from "../components/Meta";
import type { IndexEntry, SessionSummary } from "../../store/types";

type SessionEntry = IndexEntry & { summary: SessionSummary };

export function SessionsScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const entries = useEntries();
  const sessions = useMemo(
    () => entries.filter((e): e is SessionEntry => e.summary.kind === "session").sort((a, b) => (a.summary.startsAt < b.summary.startsAt ? 1 : -1)),
    [entries],
  );
  const now = new Date().toISOString();
  const upcoming = sessions.filter((s) => s.summary.startsAt >= now.slice(0, 10)).reverse();
  const past = sessions.filter((s) => s.summary.startsAt < now.slice(0, 10));

  const row = (s: SessionEntry) => {
    const present = Object.values(s.summary.marks).filter((m) => m === "present").length;
    return (
      <li key={s.id}>
        <a class="list__item" href={`#/sessions/${s.id}`}>
          <span class="list__title" dir="auto">
            {s.summary.topic}
          </span>
          <Meta parts={[s.summary.sessionKind ? t(`sessionKind.${s.summary.sessionKind}` as MessageKey) : "", i18n.dateTime(s.summary.startsAt), s.summary.place, i18n.plural("sessions.present", present)]} />
          {s.sync.dirty ? <span class="dot-pending" aria-hidden="true" /> : null}
        </a>
      </li>
    );
  };

  return (
    <Screen
      title={t("sessions.title")}
      action={
        <a class="button button--primary button--small" href="#/sessions/new" data-testid="new-session">
          + {t("sessions.new")}
        </a>
      }
    >
      {sessions.length === 0 ? <p class="empty">{t("sessions.empty")}</p> : null}
      {upcoming.length > 0 ? (
        <>
          <h2 class="list-heading">{t("sessions.upcoming")}</h2>
          <ul class="list">{upcoming.map(row)}</ul>
        </>
      ) : null}
      {past.length > 0 ? (
        <>
          <h2 class="list-heading">{t("sessions.past")}</h2>
          <ul class="list">{past.map(row)}</ul>
        </>
      ) : null}
    </Screen>
  );
}
