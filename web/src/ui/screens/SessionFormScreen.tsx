import { useState } from "preact/hooks";
import { useI18n, type MessageKey } from "../../i18n";
import { useDoc, useDraft, useSession } from "../hooks";
import { Screen } from "../components/Screen";
import { Choice, Field, TextArea, TextInput } from "../components/Field";
import { navigate } from "../router";
import { createSession, sessionToForm, updateSession, validateSession, type SessionDoc, type SessionForm } from "../../model/session";
import { RecordType, SessionKind } from "../../model/vocabulary";
import { newRecordId } from "../../bytes";
import { automergeReady } from "../../automerge";
import { nowIso } from "../../model/common";
import { alertStorage, options } from "./ContactFormScreen";

/** A UTC datetime as the value of a datetime-local input (local time). */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): string {
  if (value === "") return "";
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

function defaultStart(): string {
  const d = new Date();
  d.setMinutes(0, 0, 0);
  d.setHours(d.getHours() + 1);
  return d.toISOString();
}

export function SessionFormScreen({ id }: { readonly id?: string }) {
  const { t } = useI18n();
  if (id === undefined) {
    return (
      <SessionEditor
        draftKey="session-new"
        initial={{ kind: SessionKind.Information, topic: "", startsAt: defaultStart(), endsAt: "", place: "", facilitators: [], notes: "" }}
      />
    );
  }
  return <ExistingSession id={id} t={t} />;
}

function ExistingSession({ id, t }: { readonly id: string; readonly t: (key: MessageKey) => string }) {
  const loaded = useDoc<SessionDoc>(id);
  if (loaded.state === "loading") return <Screen title={t("session.editTitle")} back={`/sessions/${id}`}><p class="muted">{t("app.loading")}</p></Screen>;
  if (loaded.state === "missing") return <Screen title={t("session.editTitle")} back="/sessions"><p class="empty">{t("session.notFound")}</p></Screen>;
  return <SessionEditor id={id} draftKey={`session-${id}`} initial={sessionToForm(loaded.doc)} />;
}

function SessionEditor({ id, initial, draftKey }: { readonly id?: string; readonly initial: SessionForm; readonly draftKey: string }) {
  const { t } = useI18n();
  const session = useSession();
  const [form, setForm, clearDraft] = useDraft<SessionForm>(draftKey, () => initial);
  const [facilitators, setFacilitators] = useState(form.facilitators.join(", "));
  const [showErrors, setShowErrors] = useState(false);
  const [saving, setSaving] = useState(false);
  const problems = validateSession(form);
  const err = (field: keyof SessionForm): string | undefined => {
    const p = problems[field];
    return showErrors && p ? t(`session.problem.${p}` as MessageKey) : undefined;
  };
  const set = <K extends keyof SessionForm>(key: K, value: SessionForm[K]): void => setForm({ ...form, [key]: value });

  const save = async (): Promise<void> => {
    setShowErrors(true);
    if (Object.keys(problems).length > 0) return;
    setSaving(true);
    try {
      await automergeReady;
      const at = nowIso();
      let target = id;
      if (target === undefined) {
        target = newRecordId();
        await session.docs.create(target, RecordType.Session, createSession(target, form, session.author, session.account.actor, at));
      } else {
        await session.docs.edit<SessionDoc>(target, (d) => updateSession(d, form));
      }
      clearDraft();
      navigate(`/sessions/${target}?saved`, id !== undefined);
    } catch {
      setSaving(false);
      alertStorage(t);
    }
  };

  return (
    <Screen title={id ? t("session.editTitle") : t("session.newTitle")} back={id ? `/sessions/${id}` : "/sessions"}>
      <form
        class="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Choice legend={t("session.kind")} name="kind" options={options(SessionKind, "sessionKind", t)} value={form.kind} onChange={(v) => v && set("kind", v)} />
        <TextInput label={t("session.topic")} name="topic" value={form.topic} onInput={(v) => set("topic", v)} error={err("topic")} required />
        <Field label={t("session.startsAt")} id="f-starts_at" error={err("startsAt")} required>
          <input id="f-starts_at" name="starts_at" type="datetime-local" value={toLocalInput(form.startsAt)} onInput={(e) => set("startsAt", fromLocalInput(e.currentTarget.value))} />
        </Field>
        <Field label={t("session.endsAt")} id="f-ends_at" error={err("endsAt")}>
          <input id="f-ends_at" name="ends_at" type="datetime-local" value={toLocalInput(form.endsAt)} onInput={(e) => set("endsAt", fromLocalInput(e.currentTarget.value))} />
        </Field>
        <TextInput label={t("session.place")} name="place" value={form.place} onInput={(v) => set("place", v)} />
        <TextInput
          label={t("session.facilitators")}
          name="facilitators"
          value={facilitators}
          onInput={(v) => {
            setFacilitators(v);
            set("facilitators", v.split(",").map((s) => s.trim()).filter((s) => s !== ""));
          }}
        />
        <TextArea label={t("session.notes")} name="notes" value={form.notes} onInput={(v) => set("notes", v)} />
        <div class="sticky-actions">
          <button type="submit" class="button button--primary" disabled={saving} data-testid="save-session">
            {saving ? t("contact.saving") : t("session.save")}
          </button>
        </div>
      </form>
    </Screen>
  );
}
