/**
 * The conflicts queue: each field where agents recorded different values.
 * Picking one posts it; the server writes it as its own change, which the
 * phones receive at their next sync, and the conflict leaves the queue.
 */
import { useState } from "preact/hooks";
import { AgencyPicker } from "../components/AgencyPicker";
import { Failure, Loading, Notice, useLoad } from "../components/load";
import { fieldLabel, fieldValue } from "../components/value";
import { useConsole } from "../context";
import { useText } from "../i18n";
import { consolePath, onLink } from "../routes";
import type { Conflict, ConflictValue } from "../types";

export function Conflicts({ agency, onAgency }: { readonly agency: string; readonly onAgency: (a: string) => void }) {
  const { api } = useConsole();
  const { c } = useText();
  const list = useLoad(() => api.conflicts(agency), agency);
  const [notice, setNotice] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const resolve = async (conflict: Conflict, value: ConflictValue): Promise<void> => {
    setBusy(true);
    setError(null);
    setNotice("");
    try {
      await api.resolveConflict(conflict.docId, conflict.field, value.value);
      setNotice(c("conflicts.resolved"));
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="console-page" aria-labelledby="conflicts-title">
      <h1 id="conflicts-title">{c("conflicts.title")}</h1>
      <p class="muted">{c("conflicts.intro")}</p>
      <AgencyPicker value={agency} onChange={onAgency} />
      <Notice text={notice} />
      {error ? <Failure error={error} /> : null}
      {list.state === "loading" ? <Loading /> : null}
      {list.state === "failed" ? <Failure error={list.error} onRetry={list.reload} /> : null}
      {list.state === "ready" ? (
        list.data.length === 0 ? (
          <p class="console-empty">{c("conflicts.empty")}</p>
        ) : (
          <ul class="cards" data-testid="conflicts">
            {list.data.map((x) => (
              <ConflictCard key={`${x.docId}/${x.field}`} conflict={x} busy={busy} onPick={(v) => void resolve(x, v)} />
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}

function ConflictCard({ conflict, busy, onPick }: { readonly conflict: Conflict; readonly busy: boolean; readonly onPick: (v: ConflictValue) => void }) {
  const t = useText();
  const { c } = t;
  const isContact = conflict.type === "contact";
  return (
    <li class="panel conflict" data-doc={conflict.docId} data-field={conflict.field}>
      <header class="panel__head">
        <h2>
          {isContact ? (
            <a href={consolePath({ name: "contact", id: conflict.docId })} onClick={onLink({ name: "contact", id: conflict.docId })}>
              {conflict.label}
            </a>
          ) : (
            conflict.label
          )}{" "}
          · {fieldLabel(t, conflict.field)}
        </h2>
      </header>
      <ul class="choices">
        {conflict.values.map((v, i) => {
          const shown = fieldValue(t, conflict.field, v.value);
          return (
            <li key={i} class="choice">
              <button type="button" class="button" disabled={busy} onClick={() => onPick(v)}>
                {c("conflicts.keep", { value: shown })}
              </button>
              <span class="muted">
                {v.username ? c("conflicts.by", { who: v.username }) : null}
                {v.winner ? ` · ${c("conflicts.shown")}` : null}
              </span>
            </li>
          );
        })}
      </ul>
    </li>
  );
}
