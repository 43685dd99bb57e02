/** Administration: accounts and their roles and agencies; create, change role or agencies, reset a password, disable. */
import { useState } from "preact/hooks";
import { Failure, Loading, Notice, useLoad } from "../components/load";
import { useConsole } from "../context";
import { useText } from "../i18n";
import { AccountRole, type AccountChange, type AccountRow, type AgencyRef, type NewAccount } from "../types";

const ROLES: readonly AccountRole[] = Object.values(AccountRole);

function agencyIds(row: AccountRow): string[] {
  return row.agencies.map((a) => (typeof a === "string" ? a : a.id));
}

export function Users() {
  const { api } = useConsole();
  const { c } = useText();
  const accounts = useLoad(() => api.accounts(), "users");
  const agencies = useLoad(() => api.agencies(), "agencies");
  const [notice, setNotice] = useState("");
  const [error, setError] = useState<unknown>(null);
  const run = async (action: () => Promise<unknown>, done: string): Promise<boolean> => {
    setError(null);
    setNotice("");
    try {
      await action();
      setNotice(done);
      accounts.reload();
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };
  const all: readonly AgencyRef[] = agencies.state === "ready" ? agencies.data : [];
  return (
    <section class="console-page" aria-labelledby="users-title">
      <h1 id="users-title">{c("users.title")}</h1>
      <Notice text={notice} />
      {error ? <Failure error={error} /> : null}
      {accounts.state === "loading" ? <Loading /> : null}
      {accounts.state === "failed" ? <Failure error={accounts.error} onRetry={accounts.reload} /> : null}
      {accounts.state === "ready" ? (
        <table class="console-table" data-testid="users">
          <thead>
            <tr>
              <th scope="col">{c("users.username")}</th>
              <th scope="col">{c("users.displayName")}</th>
              <th scope="col">{c("users.role")}</th>
              <th scope="col">{c("users.agencies")}</th>
              <th scope="col">{c("users.state")}</th>
              <th scope="col">{c("users.setPassword")}</th>
            </tr>
          </thead>
          <tbody>
            {accounts.data.map((row) => (
              <AccountLine key={row.id} row={row} agencies={all} onChange={(change, done) => run(() => api.changeAccount(row.id, change), done)} />
            ))}
          </tbody>
        </table>
      ) : null}
      <NewAccountForm agencies={all} onCreate={(account) => run(() => api.createAccount(account), c("users.created"))} />
    </section>
  );
}

function AccountLine({
  row,
  agencies,
  onChange,
}: {
  readonly row: AccountRow;
  readonly agencies: readonly AgencyRef[];
  readonly onChange: (change: AccountChange, done: string) => Promise<boolean>;
}) {
  const { c } = useText();
  const [password, setPassword] = useState("");
  const mine = agencyIds(row);
  return (
    <tr data-username={row.username}>
      <td>
        <bdi dir="ltr">{row.username}</bdi>
      </td>
      <td>{row.displayName}</td>
      <td>
        <select aria-label={c("users.role")} value={row.role} onChange={(e) => void onChange({ role: e.currentTarget.value as AccountRole }, c("users.saved"))}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {c(`role.${r}`)}
            </option>
          ))}
        </select>
      </td>
      <td>
        <select
          multiple
          aria-label={c("users.agencies")}
          size={Math.min(4, Math.max(2, agencies.length))}
          onChange={(e) => void onChange({ agencies: [...e.currentTarget.selectedOptions].map((o) => o.value) }, c("users.saved"))}
        >
          {agencies.map((a) => (
            <option key={a.id} value={a.id} selected={mine.includes(a.id)}>
              {a.name}
            </option>
          ))}
        </select>
      </td>
      <td>
        <button type="button" class="button button--small" onClick={() => void onChange({ disabled: !row.disabled }, c("users.saved"))}>
          {row.disabled ? c("users.enable") : c("users.disable")}
        </button>{" "}
        <span class="muted">{row.disabled ? c("users.disabled") : c("users.active")}</span>
      </td>
      <td>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void onChange({ password }, c("users.saved")).then((ok) => ok && setPassword(""));
          }}
        >
          <input type="password" autoComplete="new-password" aria-label={c("users.newPassword")} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          <button type="submit" class="button button--small" disabled={password === ""}>
            {c("users.change")}
          </button>
        </form>
      </td>
    </tr>
  );
}

function NewAccountForm({ agencies, onCreate }: { readonly agencies: readonly AgencyRef[]; readonly onCreate: (a: NewAccount) => Promise<boolean> }) {
  const { c } = useText();
  const empty: NewAccount = { username: "", displayName: "", password: "", role: AccountRole.Agent, agencies: [] };
  const [draft, setDraft] = useState<NewAccount>(empty);
  const set = (patch: Partial<NewAccount>): void => setDraft({ ...draft, ...patch });
  const ready = draft.username.trim() !== "" && draft.displayName.trim() !== "" && draft.password !== "";
  return (
    <form
      class="panel"
      aria-labelledby="new-account"
      onSubmit={(e) => {
        e.preventDefault();
        void onCreate({ ...draft, username: draft.username.trim(), displayName: draft.displayName.trim() }).then((ok) => ok && setDraft(empty));
      }}
    >
      <h2 id="new-account">{c("users.new")}</h2>
      <div class="console-filters">
        <label class="console-field">
          <span>{c("users.username")}</span>
          <input type="text" name="username" dir="ltr" autoComplete="off" value={draft.username} onInput={(e) => set({ username: e.currentTarget.value })} />
        </label>
        <label class="console-field">
          <span>{c("users.displayName")}</span>
          <input type="text" name="displayName" value={draft.displayName} onInput={(e) => set({ displayName: e.currentTarget.value })} />
        </label>
        <label class="console-field">
          <span>{c("users.password")}</span>
          <input type="password" name="password" autoComplete="new-password" value={draft.password} onInput={(e) => set({ password: e.currentTarget.value })} />
        </label>
        <label class="console-field">
          <span>{c("users.role")}</span>
          <select name="role" value={draft.role} onChange={(e) => set({ role: e.currentTarget.value as AccountRole })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {c(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label class="console-field">
          <span>{c("users.agencies")}</span>
          <select
            name="agencies"
            multiple
            size={Math.min(4, Math.max(2, agencies.length))}
            onChange={(e) => set({ agencies: [...e.currentTarget.selectedOptions].map((o) => o.value) })}
          >
            {agencies.map((a) => (
              <option key={a.id} value={a.id} selected={draft.agencies.includes(a.id)}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <button type="submit" class="button button--primary" disabled={!ready}>
        {c("users.create")}
      </button>
    </form>
  );
}
