/** The record tables: contacts, sessions and visits, filtered, searchable and paged by cursor. */
import { useEffect, useState } from "preact/hooks";
import { ContactSort } from "../api";
import { DataTable, type Column } from "../components/DataTable";
import { FilterBar } from "../components/FilterBar";
import { agencyName, useConsole } from "../context";
import { useText } from "../i18n";
import { onLink, consolePath } from "../routes";
import type { ConsoleUser, ContactRow, Filters, SessionRow, VisitRow } from "../types";
import { Stage, COMMON_NATIONALITIES } from "../../model/vocabulary";

/** The agency column, only for someone who sees several agencies. */
function agencyColumn<Row extends { readonly agencyId: string }>(user: ConsoleUser, label: string): Column<Row>[] {
  return user.agencies.length > 1 ? [{ key: "agency", label, cell: (r) => agencyName(user, r.agencyId) }] : [];
}

interface TableProps {
  readonly filters: Filters;
  readonly onFilters: (f: Filters) => void;
}

function SearchField({ value, onInput }: { readonly value: string; readonly onInput: (q: string) => void }) {
  const { c } = useText();
  return (
    <label class="console-field console-field--grow">
      <span>{c("filters.search")}</span>
      <input type="search" name="q" value={value} placeholder={c("filters.searchHint")} onInput={(e) => onInput(e.currentTarget.value)} />
    </label>
  );
}

/** Typing waits for a pause before asking the server. */
function useDebounced(value: string, ms = 300): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function ContactsTable({ filters, onFilters }: TableProps) {
  const { api, user, agents } = useConsole();
  const t = useText();
  const { c } = t;
  const [q, setQ] = useState("");
  const [stage, setStage] = useState("");
  const [nationality, setNationality] = useState("");
  const [sort, setSort] = useState<string>(ContactSort.CreatedDesc);
  const search = useDebounced(q);
  const query = { ...filters, q: search, stage, nationality, sort: sort as ContactSort };
  const columns: Column<ContactRow>[] = [
    {
      key: "name",
      label: c("col.name"),
      sort: [ContactSort.Name, ContactSort.NameDesc],
      cell: (r) => (
        <a href={consolePath({ name: "contact", id: r.id })} onClick={onLink({ name: "contact", id: r.id })}>
          {r.name || c("console.none")}
        </a>
      ),
    },
    { key: "sex", label: c("col.sex"), cell: (r) => t.label("sex", r.sex) },
    { key: "birthYear", label: c("col.birthYear"), cell: (r) => (r.birthYear === null ? c("console.none") : String(r.birthYear)) },
    { key: "nationality", label: c("col.nationality"), cell: (r) => (r.nationality ? t.region(r.nationality) : c("console.none")) },
    { key: "status", label: c("col.status"), cell: (r) => t.label("status", r.status) },
    { key: "phone", label: c("col.phone"), cell: (r) => <bdi dir="ltr" class="nowrap">{r.phone ?? c("console.none")}</bdi> },
    { key: "neighbourhood", label: c("col.neighbourhood"), cell: (r) => r.neighbourhood ?? c("console.none") },
    { key: "stage", label: c("col.stage"), cell: (r) => t.label("stage", r.stage) },
    ...agencyColumn<ContactRow>(user, c("col.agency")),
    { key: "createdAt", label: c("col.createdAt"), sort: [ContactSort.Created, ContactSort.CreatedDesc], cell: (r) => t.date(r.createdAt) },
    { key: "createdBy", label: c("col.createdBy"), cell: (r) => (r.createdBy ? (agents.get(r.createdBy) ?? r.createdBy) : c("console.none")) },
  ];
  return (
    <section class="console-page" aria-labelledby="contacts-title">
      <h1 id="contacts-title">{c("contacts.title")}</h1>
      <FilterBar filters={filters} onChange={onFilters}>
        <SearchField value={q} onInput={setQ} />
        <label class="console-field">
          <span>{c("filters.stage")}</span>
          <select name="stage" value={stage} onChange={(e) => setStage(e.currentTarget.value)}>
            <option value="">{c("filters.any")}</option>
            {Object.values(Stage).map((s) => (
              <option key={s} value={s}>
                {t.label("stage", s)}
              </option>
            ))}
          </select>
        </label>
        <label class="console-field">
          <span>{c("filters.nationality")}</span>
          <select name="nationality" value={nationality} onChange={(e) => setNationality(e.currentTarget.value)}>
            <option value="">{c("filters.any")}</option>
            {COMMON_NATIONALITIES.map((n) => (
              <option key={n} value={n}>
                {t.region(n)}
              </option>
            ))}
          </select>
        </label>
      </FilterBar>
      <DataTable
        caption={c("contacts.title")}
        columns={columns}
        queryKey={JSON.stringify(query)}
        load={(cursor) => api.contacts(query, cursor)}
        sort={sort}
        onSort={setSort}
      />
    </section>
  );
}

export function SessionsTable({ filters, onFilters }: TableProps) {
  const { api, user } = useConsole();
  const t = useText();
  const { c } = t;
  const [q, setQ] = useState("");
  const search = useDebounced(q);
  const query = { ...filters, q: search };
  const columns: Column<SessionRow>[] = [
    {
      key: "topic",
      label: c("col.topic"),
      cell: (r) => (
        <a href={consolePath({ name: "session", id: r.id })} onClick={onLink({ name: "session", id: r.id })}>
          {r.topic || c("console.none")}
        </a>
      ),
    },
    { key: "kind", label: c("col.kind"), cell: (r) => t.label("sessionKind", r.kind) },
    { key: "startsAt", label: c("col.startsAt"), cell: (r) => t.dateTime(r.startsAt) },
    { key: "place", label: c("col.place"), cell: (r) => r.place ?? c("console.none") },
    ...agencyColumn<SessionRow>(user, c("col.agency")),
    { key: "registered", label: c("col.registered"), numeric: true, cell: (r) => t.number(r.registered) },
    { key: "present", label: c("col.present"), numeric: true, cell: (r) => t.number(r.present) },
    { key: "absent", label: c("col.absent"), numeric: true, cell: (r) => t.number(r.absent) },
  ];
  return (
    <section class="console-page" aria-labelledby="sessions-title">
      <h1 id="sessions-title">{c("sessions.title")}</h1>
      <FilterBar filters={filters} onChange={onFilters}>
        <SearchField value={q} onInput={setQ} />
      </FilterBar>
      <DataTable caption={c("sessions.title")} columns={columns} queryKey={JSON.stringify(query)} load={(cursor) => api.sessions(query, cursor)} />
    </section>
  );
}

export function VisitsTable({ filters, onFilters }: TableProps) {
  const { api, user } = useConsole();
  const t = useText();
  const { c } = t;
  const [q, setQ] = useState("");
  const search = useDebounced(q);
  const query = { ...filters, q: search };
  const columns: Column<VisitRow>[] = [
    { key: "date", label: c("col.date"), cell: (r) => t.date(r.date) },
    { key: "neighbourhood", label: c("col.neighbourhood"), cell: (r) => r.neighbourhood ?? c("console.none") },
    { key: "place", label: c("col.place"), cell: (r) => r.place ?? c("console.none") },
    ...agencyColumn<VisitRow>(user, c("col.agency")),
    { key: "reached", label: c("col.reached"), numeric: true, cell: (r) => t.number(r.reached) },
    { key: "womenReached", label: c("col.womenReached"), numeric: true, cell: (r) => t.number(r.womenReached) },
    { key: "topics", label: c("col.topics"), cell: (r) => (Array.isArray(r.topics) ? r.topics.join(", ") : (r.topics ?? c("console.none"))) },
  ];
  return (
    <section class="console-page" aria-labelledby="visits-title">
      <h1 id="visits-title">{c("visits.title")}</h1>
      <FilterBar filters={filters} onChange={onFilters}>
        <SearchField value={q} onInput={setQ} />
      </FilterBar>
      <DataTable caption={c("visits.title")} columns={columns} queryKey={JSON.stringify(query)} load={(cursor) => api.visits(query, cursor)} />
    </section>
  );
}
