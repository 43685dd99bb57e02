import { useState } from "preact/hooks";
import { useI18n, type MessageKey } from "../../i18n";
import { useDoc, useDraft, useSession } from "../hooks";
import { Screen } from "../components/Screen";
import { Chips, Field, TextArea, TextInput } from "../components/Field";
import { navigate } from "../router";
import { createVisit, updateVisit, validateVisit, visitToForm, type VisitDoc, type VisitForm } from "../../model/visit";
import { Interest, RecordType } from "../../model/vocabulary";
import { newRecordId } from "../../bytes";
import { automergeReady } from "../../automerge";
import { nowIso, todayIso } from "../../model/common";
import { alertStorage, options } from "./ContactFormScreen";

export function VisitFormScreen({ id }: { readonly id?: string }) {
  const { t } = useI18n();
  if (id === undefined) {
    return <VisitEditor draftKey="visit-new" initial={{ date: todayIso(), neighbourhood: "", place: "", reached: 0, womenReached: 0, topics: [], notes: "" }} />;
  }
  return <ExistingVisit id={id} t={t} />;
}

function ExistingVisit({ id, t }: { readonly id: string; readonly t: (key: MessageKey) => string }) {
  const loaded = useDoc<VisitDoc>(id);
  if (loaded.state === "loading") return <Screen title={t("visit.editTitle")} back="/visits"><p class="muted">{t("app.loading")}</p></Screen>;
  if (loaded.state === "missing") return <Screen title={t("visit.editTitle")} back="/visits"><p class="empty">{t("visit.notFound")}</p></Screen>;
  return <VisitEditor id={id} draftKey={`visit-${id}`} initial={visitToForm(loaded.doc)} />;
}

function Counter({ label, name, value, onChange, error }: { readonly label: string; readonly name: string; readonly value: number; readonly onChange: (n: number) => void; readonly error?: string | undefined }) {
  const { t } = useI18n();
  const id = `f-${name}`;
  return (
    <Field label={label} id={id} error={error}>
      <div class="counter">
        <button type="button" class="counter__button" aria-label={`${label} : ${t("visit.less")}`} onClick={() => onChange(Math.max(0, value - 1))}>
          −
        </button>
        <input id={id} name={name} type="number" inputMode="numeric" min={0} value={String(value)} onInput={(e) => onChange(Math.max(0, Math.floor(Number(e.currentTarget.value) || 0)))} />
        <button type="button" class="counter__button" aria-label={`${label} : ${t("visit.more")}`} onClick={() => onChange(value + 1)}>
          +
        </button>
      </div>
    </Field>
  );
}

function VisitEditor({ id, initial, draftKey }: { readonly id?: string; readonly initial: VisitForm; readonly draftKey: string }) {
  const { t } = useI18n();
  const session = useSession();
  const [form, setForm, clearDraft] = useDraft<VisitForm>(draftKey, () => initial);
  const [showErrors, setShowErrors] = useState(false);
  const [saving, setSaving] = useState(false);
  const problems = validateVisit(form);
  const err = (field: keyof VisitForm): string | undefined => {
    const p = problems[field];
    return showErrors && p ? t(`visit.problem.${p}` as MessageKey) : undefined;
  };
  const set = <K extends keyof VisitForm>(key: K, value: VisitForm[K]): void => setForm({ ...form, [key]: value });

  const save = async (): Promise<void> => {
    setShowErrors(true);
    if (Object.keys(problems).length > 0) return;
    setSaving(true);
    try {
      await automergeReady;
      if (id === undefined) {
        const newId = newRecordId();
        await session.docs.create(newId, RecordType.Visit, createVisit(newId, form, session.author, session.account.actor, nowIso()));
      } else {
        await session.docs.edit<VisitDoc>(id, (d) => updateVisit(d, form, session.author));
      }
      clearDraft();
      navigate("/visits?saved", id !== undefined);
    } catch {
      setSaving(false);
      alertStorage(t);
    }
  };

  return (
    <Screen title={id ? t("visit.editTitle") : t("visit.newTitle")} back="/visits">
      <form
        class="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Field label={t("visit.date")} id="f-date" error={err("date")} required>
          <input id="f-date" name="date" type="date" value={form.date} onInput={(e) => set("date", e.currentTarget.value)} />
        </Field>
        <TextInput label={t("visit.neighbourhood")} name="neighbourhood" value={form.neighbourhood} onInput={(v) => set("neighbourhood", v)} error={err("neighbourhood")} required />
        <TextInput label={t("visit.place")} name="place" value={form.place} onInput={(v) => set("place", v)} />
        <Counter label={t("visit.reached")} name="reached" value={form.reached} onChange={(n) => set("reached", n)} error={err("reached")} />
        <Counter label={t("visit.womenReached")} name="women_reached" value={form.womenReached} onChange={(n) => set("womenReached", n)} error={err("womenReached")} />
        <Chips legend={t("visit.topics")} name="topics" options={options(Interest, "interest", t)} selected={form.topics} onChange={(v) => set("topics", v)} />
        <TextArea label={t("visit.notes")} name="notes" value={form.notes} onInput={(v) => set("notes", v)} />
        <div class="sticky-actions">
          <button type="submit" class="button button--primary" disabled={saving} data-testid="save-visit">
            {saving ? t("contact.saving") : t("visit.save")}
          </button>
        </div>
      </form>
    </Screen>
  );
}
