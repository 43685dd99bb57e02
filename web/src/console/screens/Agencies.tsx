/** Administration: the agencies, and a form to add one. */
import { useState } from "preact/hooks";
import { Failure, Loading, Notice, useLoad } from "../components/load";
import { useConsole } from "../context";
import { useText } from "../i18n";

export function Agencies({ onChanged }: { readonly onChanged: () => void }) {
  const { api } = useConsole();
  const { c } = useText();
  const list = useLoad(() => api.agencies(), "agencies");
  const [name, setName] = useState("");
  const [notice, setNotice] = useState("");
  const [error, setError] = useState<unknown>(null);
  const create = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(null);
    setNotice("");
    try {
      await api.createAgency(name.trim());
      setName("");
      setNotice(c("agencies.created"));
      list.reload();
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="console-page" aria-labelledby="agencies-title">
      <h1 id="agencies-title">{c("agencies.title")}</h1>
      {list.state === "loading" ? <Loading /> : null}
      {list.state === "failed" ? <Failure error={list.error} onRetry={list.reload} /> : null}
      {list.state === "ready" ? (
        <ul class="panel plain" data-testid="agencies">
          {list.data.map((a) => (
            <li key={a.id}>{a.name}</li>
          ))}
        </ul>
      ) : null}
      <form class="panel console-filters" onSubmit={(e) => void create(e)}>
        <label class="console-field console-field--grow">
          <span>{c("agencies.name")}</span>
          <input type="text" name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit" class="button button--primary" disabled={name.trim() === ""}>
          {c("agencies.create")}
        </button>
      </form>
      <Notice text={notice} />
      {error ? <Failure error={error} /> : null}
    </section>
  );
}
