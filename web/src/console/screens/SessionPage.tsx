/** One session and its attendance list, with the change history of the session's document. */
import { Failure, Loading, useLoad } from "../components/load";
import { fieldLabel, fieldValue, showValue } from "../components/value";
import { useConsole } from "../context";
import { useText } from "../i18n";
import { consolePath, onLink } from "../routes";
import { HistoryList } from "./ContactPage";

const HIDDEN = new Set(["id", "agencyId", "agency_id", "schema", "type"]);

export function SessionPage({ id }: { readonly id: string }) {
  const { api, agents } = useConsole();
  const t = useText();
  const { c } = t;
  const detail = useLoad(() => api.sessionDetail(id), id);
  const history = useLoad(() => api.recordHistory(id), id);
  return (
    <section class="console-page" aria-labelledby="session-title">
      <a class="console-back" href={consolePath({ name: "sessions" })} onClick={onLink({ name: "sessions" })}>
        {c("session.back")}
      </a>
      {detail.state === "loading" ? <Loading /> : null}
      {detail.state === "failed" ? <Failure error={detail.error} onRetry={detail.reload} /> : null}
      {detail.state === "ready" ? (
        <>
          <h1 id="session-title">{showValue(t, detail.data.session["topic"] ?? null)}</h1>
          <div class="contact-grid">
            <article class="panel">
              <dl class="facts-table">
                {Object.entries(detail.data.session)
                  .filter(([k]) => !HIDDEN.has(k))
                  .map(([k, v]) => (
                    <div key={k}>
                      <dt>{fieldLabel(t, k)}</dt>
                      <dd>{fieldValue(t, k, v)}</dd>
                    </div>
                  ))}
              </dl>
            </article>
            <article class="panel">
              <h2>{c("session.attendance")}</h2>
              <table class="console-table">
                <thead>
                  <tr>
                    <th scope="col">{c("col.name")}</th>
                    <th scope="col">{c("col.status")}</th>
                    <th scope="col">{c("col.markedBy")}</th>
                    <th scope="col">{c("col.markedAt")}</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.data.attendance.map((a) => (
                    <tr key={a.contactId}>
                      <td>
                        <a href={consolePath({ name: "contact", id: a.contactId })} onClick={onLink({ name: "contact", id: a.contactId })}>
                          {a.name || c("console.none")}
                        </a>
                      </td>
                      <td>{t.label("session", a.status)}</td>
                      <td>{a.markedBy ? (agents.get(a.markedBy) ?? a.markedBy) : c("console.none")}</td>
                      <td>{a.markedAt ? t.dateTime(a.markedAt) : c("console.none")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </article>
          </div>
        </>
      ) : null}
      <article class="panel">
        <h2>{c("contact.history")}</h2>
        {history.state === "loading" ? <Loading /> : null}
        {history.state === "failed" ? <Failure error={history.error} onRetry={history.reload} /> : null}
        {history.state === "ready" ? <HistoryList entries={history.data} /> : null}
      </article>
    </section>
  );
}
