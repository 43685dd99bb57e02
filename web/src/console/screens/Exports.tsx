/**
 * Exports through the existing `/api/v1/exports/{table}.{format}` routes: the
 * download is a plain link (a GET with the session cookie), so the browser
 * streams the file to disk however large it is.
 */
import { useState } from "preact/hooks";
import { exportUrl, type ExportChoice } from "../api";
import { useConsole } from "../context";
import { useText } from "../i18n";
import { ExportFormat, ExportTable } from "../types";

export function Exports() {
  const { c } = useText();
  const { user } = useConsole();
  const [choice, setChoice] = useState<ExportChoice>({
    table: ExportTable.Contacts,
    format: ExportFormat.Csv,
    agency: "",
    from: "",
    to: "",
    agent: "",
    pseudonymise: false,
  });
  const set = (patch: Partial<ExportChoice>): void => setChoice({ ...choice, ...patch });
  const href = exportUrl(choice);
  return (
    <section class="console-page" aria-labelledby="exports-title">
      <h1 id="exports-title">{c("exports.title")}</h1>
      <p class="muted">{c("exports.intro")}</p>
      <form class="panel export-form" onSubmit={(e) => e.preventDefault()}>
        <fieldset class="console-radios">
          <legend>{c("exports.table")}</legend>
          {Object.values(ExportTable).map((table) => (
            <label key={table}>
              <input type="radio" name="table" value={table} checked={choice.table === table} onChange={() => set({ table })} />
              {c(`exports.table.${table}`)}
            </label>
          ))}
        </fieldset>
        <fieldset class="console-radios">
          <legend>{c("exports.format")}</legend>
          {Object.values(ExportFormat).map((format) => (
            <label key={format}>
              <input type="radio" name="format" value={format} checked={choice.format === format} onChange={() => set({ format })} />
              {c(`exports.format.${format}`)}
            </label>
          ))}
        </fieldset>
        <div class="console-filters">
          <label class="console-field">
            <span>{c("filters.from")}</span>
            <input type="date" name="from" value={choice.from} onChange={(e) => set({ from: e.currentTarget.value })} />
          </label>
          <label class="console-field">
            <span>{c("filters.to")}</span>
            <input type="date" name="to" value={choice.to} onChange={(e) => set({ to: e.currentTarget.value })} />
          </label>
          <label class="console-field">
            <span>{c("filters.agency")}</span>
            <select name="agency" value={choice.agency} onChange={(e) => set({ agency: e.currentTarget.value })}>
              <option value="">{c("filters.allAgencies")}</option>
              {user.agencies.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
          <label class="console-field console-field--grow">
            <span>{c("filters.agent")}</span>
            <input
              type="text"
              name="agent"
              dir="ltr"
              autoComplete="off"
              value={choice.agent}
              placeholder={c("exports.agentHint")}
              onInput={(e) => set({ agent: e.currentTarget.value.trim() })}
            />
          </label>
        </div>
        <label class="console-check">
          <input type="checkbox" name="pseudonymise" checked={choice.pseudonymise} onChange={(e) => set({ pseudonymise: e.currentTarget.checked })} />
          {c("exports.pseudonymise")}
        </label>
        <p>
          <a class="button button--primary" href={href} download data-testid="export-download">
            {c("exports.download")}
          </a>
        </p>
      </form>
    </section>
  );
}
