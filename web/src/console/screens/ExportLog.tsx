/** Administration: who exported what, when, with which filters. */
import { Failure, Loading, useLoad } from "../components/load";
import { showValue } from "../components/value";
import { useConsole } from "../context";
import { useText } from "../i18n";
import type { ExportLogRow, FieldValue } from "../types";

/** The log's keys as the server may spell them (camelCase or snake_case). */
function get(row: ExportLogRow, ...keys: string[]): FieldValue {
  for (const k of keys) if (row[k] !== undefined) return row[k] ?? null;
  return null;
}

export function ExportLog() {
  const { api } = useConsole();
  const t = useText();
  const { c } = t;
  const log = useLoad(() => api.exportLog(), "export-log");
  return (
    <section class="console-page" aria-labelledby="export-log-title">
      <h1 id="export-log-title">{c("exportLog.title")}</h1>
      {log.state === "loading" ? <Loading /> : null}
      {log.state === "failed" ? <Failure error={log.error} onRetry={log.reload} /> : null}
      {log.state === "ready" ? (
        log.data.length === 0 ? (
          <p class="console-empty">{c("console.empty")}</p>
        ) : (
          <table class="console-table" data-testid="export-log">
            <thead>
              <tr>
                <th scope="col">{c("exportLog.when")}</th>
                <th scope="col">{c("exportLog.who")}</th>
                <th scope="col">{c("exportLog.what")}</th>
                <th scope="col">{c("exportLog.format")}</th>
                <th scope="col">{c("exportLog.filters")}</th>
                <th scope="col">{c("exportLog.pseudonymised")}</th>
                <th scope="col" class="num">
                  {c("exportLog.rows")}
                </th>
                <th scope="col">{c("exportLog.outcome")}</th>
              </tr>
            </thead>
            <tbody>
              {log.data.map((row, i) => {
                const at = get(row, "startedAt", "started_at");
                const rows = get(row, "rowCount", "row_count");
                return (
                  <tr key={String(get(row, "id") ?? i)}>
                    <td>{typeof at === "string" ? t.dateTime(at) : c("console.none")}</td>
                    <td>
                      <bdi dir="ltr">{showValue(t, get(row, "who", "username"))}</bdi>
                    </td>
                    <td>{showValue(t, get(row, "table", "tables"))}</td>
                    <td>{showValue(t, get(row, "format"))}</td>
                    <td>{showValue(t, get(row, "filters"))}</td>
                    <td>{showValue(t, get(row, "pseudonymised"))}</td>
                    <td class="num">{typeof rows === "number" ? t.number(rows) : c("console.none")}</td>
                    <td>{showValue(t, get(row, "outcome"))}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )
      ) : null}
    </section>
  );
}
