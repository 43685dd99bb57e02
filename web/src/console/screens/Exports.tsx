/**
 * Exports through the existing `/api/v1/exports/{table}.{format}` routes: the
 * download is a plain link (a GET with the session cookie), so the browser
 * streams the file to disk however large it is. The date, agency and agent
 * filters are the filter bar of the dashboard and tables; an agent is sent
 * by id.
 */
import { useState } from "preact/hooks";
import { exportUrl, type ExportChoice } from "../api";
import { FilterBar } from "../components/FilterBar";
import { useText } from "../i18n";
import { ExportFormat, ExportTable, NO_FILTERS, type Filters } from "../types";

/** What to export; the filters come from the shared filter bar. */
type ExportKind = Pick<ExportChoice, "table" | "format" | "pseudonymise">;

export function Exports() {
  const { c } = useText();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [choice, setChoice] = useState<ExportKind>({
    table: ExportTable.Contacts,
    format: ExportFormat.Csv,
    pseudonymise: false,
  });
  const set = (patch: Partial<ExportKind>): void => setChoice({ ...choice, ...patch });
  const href = exportUrl({ ...choice, ...filters });
  return (
    <section class="console-page" aria-labelledby="exports-title">
      <h1 id="exports-title">{c("exports.title")}</h1>
      <p class="muted">{c("exports.intro")}</p>
      <FilterBar filters={filters} onChange={setFilters} />
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
