/**
 * Possible duplicates, ranked: the two records side by side, a button under
 * each to keep that one, and one to say they are different people (the pair
 * then leaves the list for every supervisor of the agency). Below, the
 * merges done and the pairs dismissed, each with an undo.
 */
import { useState } from "preact/hooks";
import type { Dismissal } from "../api";
import { AgencyPicker } from "../components/AgencyPicker";
import { Failure, Loading, Notice, useLoad } from "../components/load";
import { agencyName, useConsole } from "../context";
import { useText } from "../i18n";
import { consolePath, onLink } from "../routes";
import { DuplicateReason, type ContactRow, type Duplicate, type Merge } from "../types";

export function Duplicates({ agency, onAgency }: { readonly agency: string; readonly onAgency: (a: string) => void }) {
  const { api } = useConsole();
  const { c } = useText();
  const pairs = useLoad(() => api.duplicates(agency), agency);
  const merges = useLoad(() => api.merges(agency), agency);
  const dismissals = useLoad(() => api.dismissals(agency), agency);
  const [notice, setNotice] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const act = async (run: () => Promise<unknown>, done: string): Promise<void> => {
    setBusy(true);
    setError(null);
    setNotice("");
    try {
      await run();
      setNotice(done);
      pairs.reload();
      merges.reload();
      dismissals.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="console-page" aria-labelledby="duplicates-title">
      <h1 id="duplicates-title">{c("duplicates.title")}</h1>
      <p class="muted">{c("duplicates.intro")}</p>
      <AgencyPicker value={agency} onChange={onAgency} />
      <Notice text={notice} />
      {error ? <Failure error={error} /> : null}
      {pairs.state === "loading" ? <Loading /> : null}
      {pairs.state === "failed" ? <Failure error={pairs.error} onRetry={pairs.reload} /> : null}
      {pairs.state === "ready" ? (
        pairs.data.length === 0 ? (
          <p class="console-empty">{c("duplicates.empty")}</p>
        ) : (
          <ol class="cards" data-testid="duplicates">
            {pairs.data.map((pair) => (
              <Pair
                key={`${pair.a.id}/${pair.b.id}`}
                pair={pair}
                busy={busy}
                onKeep={(survivor, other) => void act(() => api.merge(survivor.id, other.id), c("duplicates.merged"))}
                onDismiss={() => void act(() => api.dismissDuplicate(pair.a.id, pair.b.id), c("duplicates.dismissed"))}
              />
            ))}
          </ol>
        )
      ) : null}
      <h2>{c("merges.title")}</h2>
      {merges.state === "loading" ? <Loading /> : null}
      {merges.state === "failed" ? <Failure error={merges.error} onRetry={merges.reload} /> : null}
      {merges.state === "ready" ? (
        <MergeList merges={merges.data} busy={busy} onUndo={(m) => void act(() => api.undoMerge(m.id), c("merges.undone"))} />
      ) : null}
      <h2>{c("dismissals.title")}</h2>
      <p class="muted">{c("dismissals.intro")}</p>
      {dismissals.state === "loading" ? <Loading /> : null}
      {dismissals.state === "failed" ? <Failure error={dismissals.error} onRetry={dismissals.reload} /> : null}
      {dismissals.state === "ready" ? (
        <DismissalList
          dismissals={dismissals.data}
          busy={busy}
          onUndo={(d) => void act(() => api.undoDismissal(d.a.id, d.b.id), c("dismissals.undone"))}
        />
      ) : null}
    </section>
  );
}

function Pair({
  pair,
  busy,
  onKeep,
  onDismiss,
}: {
  readonly pair: Duplicate;
  readonly busy: boolean;
  readonly onKeep: (survivor: ContactRow, other: ContactRow) => void;
  readonly onDismiss: () => void;
}) {
  const { c, number } = useText();
  return (
    <li class="panel pair" data-a={pair.a.id} data-b={pair.b.id}>
      <header class="panel__head">
        <strong>{c("duplicates.score", { score: number(Math.round(pair.score * 100) / 100) })}</strong>
        <span class="muted">
          {pair.reasons
            .map((r) => (r === DuplicateReason.Phone || r === DuplicateReason.NameBirthYearNationality ? c(`duplicates.reason.${r}`) : r))
            .join(" · ")}
        </span>
      </header>
      <div class="pair__sides">
        <Side row={pair.a} busy={busy} onKeep={() => onKeep(pair.a, pair.b)} />
        <Side row={pair.b} busy={busy} onKeep={() => onKeep(pair.b, pair.a)} />
      </div>
      <div class="actions">
        <button type="button" class="button" data-testid="dismiss-pair" disabled={busy} onClick={onDismiss}>
          {c("duplicates.dismiss")}
        </button>
      </div>
    </li>
  );
}

function Side({ row, busy, onKeep }: { readonly row: ContactRow; readonly busy: boolean; readonly onKeep: () => void }) {
  const t = useText();
  const { c } = t;
  const { user } = useConsole();
  return (
    <div class="pair__side" data-id={row.id}>
      <h3>
        <a href={consolePath({ name: "contact", id: row.id })} onClick={onLink({ name: "contact", id: row.id })}>
          {row.name || c("console.none")}
        </a>
      </h3>
      <dl class="facts-table">
        <div>
          <dt>{c("col.phone")}</dt>
          <dd>
            <bdi dir="ltr">{row.phone ?? c("console.none")}</bdi>
          </dd>
        </div>
        <div>
          <dt>{c("col.birthYear")}</dt>
          <dd>{row.birthYear === null ? c("console.none") : String(row.birthYear)}</dd>
        </div>
        <div>
          <dt>{c("col.nationality")}</dt>
          <dd>{row.nationality ? t.region(row.nationality) : c("console.none")}</dd>
        </div>
        <div>
          <dt>{c("col.neighbourhood")}</dt>
          <dd>{row.neighbourhood ?? c("console.none")}</dd>
        </div>
        <div>
          <dt>{c("col.stage")}</dt>
          <dd>{t.label("stage", row.stage)}</dd>
        </div>
        <div>
          <dt>{c("col.agency")}</dt>
          <dd>{agencyName(user, row.agencyId)}</dd>
        </div>
        <div>
          <dt>{c("col.createdAt")}</dt>
          <dd>{t.date(row.createdAt)}</dd>
        </div>
      </dl>
      <button type="button" class="button button--primary" disabled={busy} onClick={onKeep}>
        {c("duplicates.keep")}
      </button>
    </div>
  );
}

/** Keys a merge row may carry, in the order shown; anything else is left out. */
const AT = ["mergedAt", "at"];
const BY = ["mergedByName", "mergedBy", "by"];

function pick(m: Merge, keys: readonly string[]): Merge[string] | undefined {
  for (const k of keys) if (m[k] !== undefined && m[k] !== null) return m[k];
  return undefined;
}

/** A contact named by id: a link to its page (the other side of a merge still opens, as a redirect). */
function RecordLink({ id }: { readonly id: Merge[string] | undefined }) {
  const { c } = useText();
  if (typeof id !== "string") return <>{c("console.none")}</>;
  return (
    <a href={consolePath({ name: "contact", id })} onClick={onLink({ name: "contact", id })}>
      <bdi dir="ltr">{id.slice(0, 8)}</bdi>
    </a>
  );
}

function MergeList({ merges, busy, onUndo }: { readonly merges: readonly Merge[]; readonly busy: boolean; readonly onUndo: (m: Merge) => void }) {
  const t = useText();
  const { c } = t;
  const { user, agents } = useConsole();
  const who = (id: Merge[string] | undefined): string =>
    typeof id !== "string" ? c("console.none") : id === user.id ? user.displayName : (agents.get(id) ?? id.slice(0, 8));
  if (merges.length === 0) return <p class="console-empty">{c("merges.empty")}</p>;
  return (
    <table class="console-table" data-testid="merges">
      <thead>
        <tr>
          <th scope="col">{c("merges.at")}</th>
          <th scope="col">{c("merges.survivor")}</th>
          <th scope="col">{c("merges.other")}</th>
          <th scope="col">{c("merges.by")}</th>
          <th scope="col">
            <span class="visually-hidden">{c("merges.undo")}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {merges.map((m) => {
          const at = pick(m, AT);
          return (
            <tr key={m.id} data-id={m.id}>
              <td>{typeof at === "string" ? t.dateTime(at) : c("console.none")}</td>
              <td>
                <RecordLink id={m["survivor"]} />
              </td>
              <td>
                <RecordLink id={m["other"]} />
              </td>
              <td>{who(pick(m, BY))}</td>
              <td>
                {m["undone"] === true || typeof m["undoneAt"] === "string" ? (
                  <span class="muted">{c("merges.undone")}</span>
                ) : (
                  <button type="button" class="button button--small" disabled={busy} onClick={() => onUndo(m)}>
                    {c("merges.undo")}
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** A contact of a dismissed pair: its name, a link to its page. */
function ContactLink({ row }: { readonly row: ContactRow }) {
  const { c } = useText();
  return (
    <a href={consolePath({ name: "contact", id: row.id })} onClick={onLink({ name: "contact", id: row.id })}>
      {row.name || c("console.none")}
    </a>
  );
}

function DismissalList({
  dismissals,
  busy,
  onUndo,
}: {
  readonly dismissals: readonly Dismissal[];
  readonly busy: boolean;
  readonly onUndo: (d: Dismissal) => void;
}) {
  const t = useText();
  const { c } = t;
  if (dismissals.length === 0) return <p class="console-empty">{c("dismissals.empty")}</p>;
  return (
    <table class="console-table" data-testid="dismissals">
      <thead>
        <tr>
          <th scope="col">{c("dismissals.at")}</th>
          <th scope="col">{c("dismissals.pair")}</th>
          <th scope="col">{c("dismissals.by")}</th>
          <th scope="col">
            <span class="visually-hidden">{c("dismissals.undo")}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {dismissals.map((d) => (
          <tr key={`${d.a.id}/${d.b.id}`} data-a={d.a.id} data-b={d.b.id}>
            <td>{t.dateTime(d.dismissedAt)}</td>
            <td>
              <ContactLink row={d.a} /> · <ContactLink row={d.b} />
            </td>
            <td>{d.dismissedByName}</td>
            <td>
              <button type="button" class="button button--small" disabled={busy} onClick={() => onUndo(d)}>
                {c("dismissals.undo")}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
