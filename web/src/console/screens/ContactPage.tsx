/** One contact: its projected fields, follow-ups, attendance, open conflicts and whole change history. */
import { Failure, Loading, useLoad } from "../components/load";
import { fieldLabel, fieldValue, showValue } from "../components/value";
import { useConsole } from "../context";
import { useText, type ConsoleText } from "../i18n";
import { consolePath, onLink } from "../routes";
import type { ContactDetail, FieldValue, HistoryEntry } from "../types";

/** Fields that are bookkeeping rather than something a supervisor reads. */
const HIDDEN = new Set(["id", "agencyId", "agency_id", "schema", "type", "name", "createdBy", "created_by"]);
/** Fields holding a user id, shown by name when the console knows it. */
const USERS = new Set(["consentBy", "consent_by", "createdBy", "created_by"]);

export function ContactPage({ id }: { readonly id: string }) {
  const { api } = useConsole();
  const t = useText();
  const detail = useLoad(() => api.contact(id), id);
  return (
    <section class="console-page" aria-labelledby="contact-title">
      <a class="console-back" href={consolePath({ name: "contacts" })} onClick={onLink({ name: "contacts" })}>
        {t.c("contact.back")}
      </a>
      {detail.state === "loading" ? <Loading /> : null}
      {detail.state === "failed" ? <Failure error={detail.error} onRetry={detail.reload} /> : null}
      {detail.state === "ready" ? <Contact id={id} detail={detail.data} /> : null}
    </section>
  );
}

function title(detail: ContactDetail, t: ConsoleText): string {
  const c = detail.contact;
  const name = [c["givenName"] ?? c["given_name"], c["familyName"] ?? c["family_name"]].filter((x) => typeof x === "string" && x !== "").join(" ");
  const alias = c["alias"];
  return name || (typeof alias === "string" && alias) || (typeof c["name"] === "string" ? c["name"] : "") || t.c("console.none");
}

function Contact({ id, detail }: { readonly id: string; readonly detail: ContactDetail }) {
  const t = useText();
  const { c } = t;
  const { agents } = useConsole();
  const fields = Object.entries(detail.contact).filter(([k]) => !HIDDEN.has(k));
  const show = (k: string, v: FieldValue): string => (USERS.has(k) && typeof v === "string" ? (agents.get(v) ?? v) : fieldValue(t, k, v));
  return (
    <>
      <h1 id="contact-title">{title(detail, t)}</h1>
      <div class="contact-grid">
        <article class="panel">
          <h2>{c("contact.fields")}</h2>
          <dl class="facts-table" data-testid="contact-fields">
            {fields.map(([k, v]) => (
              <div key={k}>
                <dt>{fieldLabel(t, k)}</dt>
                <dd>{k === "phone" ? <bdi dir="ltr">{show(k, v)}</bdi> : show(k, v)}</dd>
              </div>
            ))}
          </dl>
        </article>
        <div class="contact-side">
          <article class="panel" data-testid="contact-conflicts">
            <h2>{c("contact.conflicts")}</h2>
            {detail.conflicts.length === 0 ? (
              <p class="muted">{c("contact.noConflicts")}</p>
            ) : (
              <ul class="plain">
                {detail.conflicts.map((x, i) => (
                  <li key={i}>
                    <strong>{fieldLabel(t, String(x["field"] ?? ""))}</strong> : {fieldValue(t, String(x["field"] ?? ""), conflictValues(x))}
                  </li>
                ))}
              </ul>
            )}
          </article>
          <article class="panel">
            <h2>{c("contact.followUps")}</h2>
            {detail.followUps.length === 0 ? (
              <p class="muted">{c("contact.noFollowUps")}</p>
            ) : (
              <ul class="plain" data-testid="contact-follow-ups">
                {detail.followUps.map((f, i) => (
                  <li key={String(f["id"] ?? i)}>
                    <strong>{typeof f["date"] === "string" ? t.date(f["date"]) : c("console.none")}</strong> · {t.label("followup", str(f["kind"]))}
                    {f["note"] ? <> · {showValue(t, f["note"])}</> : null}
                    {f["by"] ?? f["byName"] ? <span class="muted"> · {showValue(t, f["byName"] ?? f["by"])}</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </article>
          <article class="panel">
            <h2>{c("contact.attendance")}</h2>
            {detail.attendance.length === 0 ? (
              <p class="muted">{c("contact.noAttendance")}</p>
            ) : (
              <ul class="plain" data-testid="contact-attendance">
                {detail.attendance.map((a) => (
                  <li key={a.sessionId}>
                    <a href={consolePath({ name: "session", id: a.sessionId })} onClick={onLink({ name: "session", id: a.sessionId })}>
                      {a.topic}
                    </a>{" "}
                    · {t.dateTime(a.startsAt)} · {t.label("session", a.status)}
                  </li>
                ))}
              </ul>
            )}
          </article>
        </div>
      </div>
      <History id={id} />
    </>
  );
}

function str(v: FieldValue | undefined): string | null {
  return typeof v === "string" ? v : null;
}

function conflictValues(x: { readonly [field: string]: FieldValue }): FieldValue {
  const values = x["values"];
  if (Array.isArray(values)) return values.map((v: unknown) => (v && typeof v === "object" && "value" in v ? (v as { value: unknown }).value : v));
  return values ?? x["value"] ?? null;
}

function History({ id }: { readonly id: string }) {
  const { api } = useConsole();
  const t = useText();
  const history = useLoad(() => api.contactHistory(id), id);
  return (
    <article class="panel" aria-labelledby="history-title">
      <h2 id="history-title">{t.c("contact.history")}</h2>
      {history.state === "loading" ? <Loading /> : null}
      {history.state === "failed" ? <Failure error={history.error} onRetry={history.reload} /> : null}
      {history.state === "ready" ? <HistoryList entries={history.data} /> : null}
    </article>
  );
}

/** Set once when a record is created; the history shows what people recorded. */
const BOOKKEEPING = new Set(["type", "schema", "id"]);

export function HistoryList({ entries }: { readonly entries: readonly HistoryEntry[] }) {
  const t = useText();
  const { c } = t;
  if (entries.length === 0) return <p class="muted">{c("contact.noHistory")}</p>;
  return (
    <ol class="history" data-testid="history">
      {entries.map((e, i) => {
        const at = e.at ?? e.receivedAt ?? null;
        return (
          <li key={i} class="history__entry">
            <p class="history__who">
              {at ? <time dateTime={at}>{t.dateTime(at)}</time> : c("console.none")} ·{" "}
              {e.username ? c("history.by", { who: e.username }) : e.deviceId ? "" : c("history.server")}
              {e.deviceId ? <span class="muted"> {c("history.device", { device: e.deviceId.slice(0, 8) })}</span> : null}
            </p>
            <ul class="history__changes">
              {e.changes.filter((ch) => !BOOKKEEPING.has(ch.field)).map((ch, j) => (
                <li key={j}>
                  <span class="history__field">{fieldLabel(t, ch.field)}</span> → <span class="history__value">{fieldValue(t, ch.field, ch.value)}</span>
                </li>
              ))}
            </ul>
          </li>
        );
      })}
    </ol>
  );
}
