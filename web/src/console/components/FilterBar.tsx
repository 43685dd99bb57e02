/** Date range, agency and agent: the filters every indicator and table accepts. */
import type { ComponentChildren } from "preact";
import { useConsole } from "../context";
import { useText } from "../i18n";
import { NO_FILTERS, type Filters } from "../types";

export function FilterBar({
  filters,
  onChange,
  children,
}: {
  readonly filters: Filters;
  readonly onChange: (next: Filters) => void;
  readonly children?: ComponentChildren;
}) {
  const { c } = useText();
  const { user, agents } = useConsole();
  const set = (patch: Partial<Filters>): void => onChange({ ...filters, ...patch });
  const agentChoices = [...agents.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  return (
    <form class="console-filters" aria-label={c("filters.title")} onSubmit={(e) => e.preventDefault()}>
      {children}
      <label class="console-field">
        <span>{c("filters.from")}</span>
        <input type="date" name="from" value={filters.from} max={filters.to || undefined} onChange={(e) => set({ from: e.currentTarget.value })} />
      </label>
      <label class="console-field">
        <span>{c("filters.to")}</span>
        <input type="date" name="to" value={filters.to} min={filters.from || undefined} onChange={(e) => set({ to: e.currentTarget.value })} />
      </label>
      <label class="console-field">
        <span>{c("filters.agency")}</span>
        <select name="agency" value={filters.agency} onChange={(e) => set({ agency: e.currentTarget.value })}>
          <option value="">{c("filters.allAgencies")}</option>
          {user.agencies.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <label class="console-field">
        <span>{c("filters.agent")}</span>
        <select name="agent" value={filters.agent} onChange={(e) => set({ agent: e.currentTarget.value })}>
          <option value="">{c("filters.allAgents")}</option>
          {agentChoices.map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" class="button button--quiet button--small" onClick={() => onChange(NO_FILTERS)}>
        {c("filters.reset")}
      </button>
    </form>
  );
}
