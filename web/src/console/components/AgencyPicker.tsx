/** The agency filter alone, for the pages that take no dates (conflicts, duplicates). */
import { useConsole } from "../context";
import { useText } from "../i18n";

export function AgencyPicker({ value, onChange }: { readonly value: string; readonly onChange: (agency: string) => void }) {
  const { c } = useText();
  const { user } = useConsole();
  if (user.agencies.length < 2) return null;
  return (
    <div class="console-filters">
      <label class="console-field">
        <span>{c("filters.agency")}</span>
        <select name="agency" value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">{c("filters.allAgencies")}</option>
          {user.agencies.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
