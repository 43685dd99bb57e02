import { useEffect, useState } from "preact/hooks";
import { useI18n, type MessageKey } from "../../i18n";
import { useDoc, useFlash, useSession } from "../hooks";
import { Screen } from "../components/Screen";
import { hashFlag, navigate } from "../router";
import { A } from "../../automerge";
import {
  addFollowUp,
  contactConflicts,
  contactToForm,
  readFollowUps,
  resolveConflict,
  setStage,
  type ConflictField,
  type ContactDoc,
} from "../../model/contact";
import { FollowUpKind, Stage } from "../../model/vocabulary";
import { todayIso } from "../../model/common";
import { alertStorage } from "./ContactFormScreen";
import { mergedInto } from "../../model/redirect";

export function ContactDetailScreen({ id }: { readonly id: string }) {
  const { t } = useI18n();
  const loaded = useDoc<ContactDoc>(id);
  // A contact merged into another by a supervisor opens as the survivor.
  const survivor = loaded.state === "ready" ? mergedInto(loaded.doc) : null;
  useEffect(() => {
    if (survivor) navigate(`/contacts/${survivor}`, true);
  }, [survivor]);
  if (loaded.state === "loading" || survivor) return <Screen title={t("contacts.title")} back="/contacts"><p class="muted">{t("app.loading")}</p></Screen>;
  if (loaded.state === "missing") return <Screen title={t("contacts.title")} back="/contacts"><p class="empty">{t("contact.notFound")}</p></Screen>;
  return <ContactDetail id={id} doc={loaded.doc} />;
}

function ContactDetail({ id, doc }: { readonly id: string; readonly doc: A.Doc<ContactDoc> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const [flash, setFlash] = useFlash();
  const [justSaved] = useState(() => hashFlag("saved"));
  const form = contactToForm(doc);
  const entry = session.vault.entry(id);
  const name = entry?.summary.kind === "contact" ? entry.summary.name : form.givenName;
  const conflicts = contactConflicts(doc);
  const followUps = readFollowUps(doc);

  const edit = async (change: (d: A.Doc<ContactDoc>) => A.Doc<ContactDoc>, message: string): Promise<void> => {
    try {
      await session.docs.edit<ContactDoc>(id, change);
      setFlash(message);
    } catch {
      alertStorage(t);
    }
  };

  const facts: [string, string][] = [
    [t("contact.phone"), form.phone || t("contact.noPhone")],
    [t("contact.sex"), form.sex ? t(`sex.${form.sex}` as MessageKey) : ""],
    [t("contact.birthYear"), form.birthYear || (form.ageBand ? t(`age.${form.ageBand}` as MessageKey) : "")],
    [t("contact.nationality"), form.nationality ? i18n.region(form.nationality) : ""],
    [t("contact.status"), form.status ? t(`status.${form.status}` as MessageKey) : ""],
    [t("contact.languages"), form.languages.map((l) => i18n.language(l)).join(", ")],
    [t("contact.neighbourhood"), [form.neighbourhood, form.city].filter((s) => s).join(", ")],
    [t("contact.education"), form.education ? t(`education.${form.education}` as MessageKey) : ""],
    [t("contact.skills"), form.skills],
    [t("contact.interests"), form.interests.map((v) => t(`interest.${v}` as MessageKey)).join(", ")],
    [t("contact.consentTitle"), form.consentGiven ? [t("common.yes"), ...form.consentScope.map((s) => t(`scope.${s}` as MessageKey))].join(" · ") : t("common.no")],
  ];

  return (
    <Screen
      title={name}
      back="/contacts"
      flash={flash || (justSaved ? t("contact.saved") : "")}
      action={
        <a class="button button--small" href={`#/contacts/${id}/edit`}>
          {t("contact.edit")}
        </a>
      }
    >
      {entry?.sync.quarantined ? <p class="warning">{t("contact.quarantined", { reason: entry.sync.quarantined })}</p> : null}
      {entry?.sync.refused ? <p class="warning">{t("contact.refused", { reason: entry.sync.refused })}</p> : null}

      {conflicts.length > 0 ? (
        <section class="card card--warning" data-testid="conflicts">
          <h2>{t("conflict.title")}</h2>
          {conflicts.map((c) => (
            <div key={c.field} class="conflict">
              <p>{t("conflict.field", { field: t(`field.${c.field}` as MessageKey), current: c.current })}</p>
              {c.others.map((other) => (
                <div key={other} class="conflict__choice">
                  <span>{t("conflict.other", { value: other })}</span>
                  <div class="actions">
                    <button type="button" class="button button--small" onClick={() => void edit((d) => resolveConflict(d, c.field as ConflictField, c.current), t("conflict.resolved"))}>
                      {t("conflict.keep", { value: c.current })}
                    </button>
                    <button type="button" class="button button--small button--primary" onClick={() => void edit((d) => resolveConflict(d, c.field as ConflictField, other), t("conflict.resolved"))}>
                      {t("conflict.keep", { value: other })}
                    </button>
                  </div>
                </div>
              ))}
            </div>
          ))}
        </section>
      ) : null}

      <section class="card">
        <h2>{t("stage.title")}</h2>
        <ol class="journey" data-testid="journey">
          {Object.values(Stage).map((stage) => (
            <li key={stage}>
              <button
                type="button"
                class={`journey__step${form.stage === stage ? " journey__step--on" : ""}`}
                aria-pressed={form.stage === stage ? "true" : "false"}
                onClick={() => void edit((d) => setStage(d, stage), t("common.saved"))}
              >
                {t(`stage.${stage}` as MessageKey)}
              </button>
            </li>
          ))}
        </ol>
      </section>

      <FollowUps id={id} followUps={followUps} onAdded={(message) => setFlash(message)} />

      <section class="card">
        <h2>{t("contact.details")}</h2>
        <dl class="facts">
          {facts
            .filter(([, v]) => v !== "")
            .map(([label, value]) => (
              <div key={label} class="facts__row">
                <dt>{label}</dt>
                <dd dir="auto">{value}</dd>
              </div>
            ))}
        </dl>
        {form.notes ? (
          <>
            <h3>{t("contact.notes")}</h3>
            <p class="notes" dir="auto">
              {form.notes}
            </p>
          </>
        ) : null}
      </section>
    </Screen>
  );
}

function FollowUps({ id, followUps, onAdded }: { readonly id: string; readonly followUps: ReturnType<typeof readFollowUps>; readonly onAdded: (message: string) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const [kind, setKind] = useState<FollowUpKind | null>(null);
  const [note, setNote] = useState("");
  const [date, setDate] = useState(todayIso());
  const [saving, setSaving] = useState(false);

  const save = async (): Promise<void> => {
    if (!kind) return;
    setSaving(true);
    try {
      await session.docs.edit<ContactDoc>(id, (d) => addFollowUp(d, { at: date, kind, note }, session.author));
      setKind(null);
      setNote("");
      setDate(todayIso());
      onAdded(t("followups.saved"));
    } catch {
      alertStorage(t);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section class="card" data-testid="follow-ups">
      <h2>{t("followups.title")}</h2>
      <p class="muted">{t("followups.add")}</p>
      <div class="chips__list">
        {Object.values(FollowUpKind).map((k) => (
          <button key={k} type="button" class={`chip${kind === k ? " chip--on" : ""}`} aria-pressed={kind === k ? "true" : "false"} onClick={() => setKind(kind === k ? null : k)}>
            {t(`followup.${k}` as MessageKey)}
          </button>
        ))}
      </div>
      {kind ? (
        <div class="followup-form">
          <div class="field">
            <label for="followup-date">{t("followups.date")}</label>
            <input id="followup-date" type="date" value={date} onInput={(e) => setDate(e.currentTarget.value || todayIso())} />
          </div>
          <div class="field">
            <label for="followup-note">{t("followups.note")}</label>
            <input id="followup-note" type="text" dir="auto" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </div>
          <button type="button" class="button button--primary" disabled={saving} onClick={() => void save()} data-testid="save-follow-up">
            {t("followups.save")}
          </button>
        </div>
      ) : null}
      {followUps.length === 0 ? <p class="empty">{t("followups.empty")}</p> : null}
      <ol class="timeline">
        {followUps.map((f) => (
          <li key={f.id} class="timeline__item">
            <span class="timeline__date">{i18n.date(f.at)}</span>
            <span class="timeline__kind">{t(`followup.${f.kind}` as MessageKey)}</span>
            {f.note ? <span class="timeline__note" dir="auto">{f.note}</span> : null}
            {f.by === session.author.userId ? <span class="muted">{t("followups.by", { name: t("settings.me") })}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
