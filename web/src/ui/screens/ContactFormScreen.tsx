import { useMemo, useRef, useState } from "preact/hooks";
import { useI18n, type MessageKey, type Translator } from "../../i18n";
import { useDoc, useDraft, useSession } from "../hooks";
import { Screen } from "../components/Screen";
import { Chips, Choice, Select, TextArea, TextInput } from "../components/Field";
import { Dialog } from "../components/Dialog";
import { navigate } from "../router";
import {
  contactToForm,
  createContact,
  displayName,
  emptyContactForm,
  updateContact,
  validateContact,
  type ContactDoc,
  type ContactForm,
} from "../../model/contact";
import { findDuplicates, type Duplicate } from "../../model/duplicates";
import {
  AgeBand,
  COMMON_LANGUAGES,
  COMMON_NATIONALITIES,
  ConsentScope,
  Education,
  Interest,
  MigrationStatus,
  RecordType,
  Sex,
  Stage,
} from "../../model/vocabulary";
import { newRecordId } from "../../bytes";
import { automergeReady } from "../../automerge";
import { nowIso } from "../../model/common";

export function options<T extends string>(values: Record<string, T>, prefix: string, t: Translator["t"]): { value: T; label: string }[] {
  return Object.values(values).map((value) => ({ value, label: t(`${prefix}.${value}` as MessageKey) }));
}

export function ContactFormScreen({ id }: { readonly id?: string }) {
  if (id === undefined) return <ContactEditor initial={emptyContactForm()} draftKey="contact-new" />;
  return <ExistingContact id={id} />;
}

function ExistingContact({ id }: { readonly id: string }) {
  const { t } = useI18n();
  const loaded = useDoc<ContactDoc>(id);
  if (loaded.state === "loading") return <Screen title={t("contact.editTitle")} back={`/contacts/${id}`}><p class="muted">{t("app.loading")}</p></Screen>;
  if (loaded.state === "missing") return <Screen title={t("contact.editTitle")} back="/contacts"><p class="empty">{t("contact.notFound")}</p></Screen>;
  return <ContactEditor id={id} initial={contactToForm(loaded.doc)} draftKey={`contact-${id}`} />;
}

/** Saves a new contact or the edited fields; exported for the roll-call's walk-ins. */
export async function saveContact(session: ReturnType<typeof useSession>, form: ContactForm, id?: string): Promise<string> {
  await automergeReady;
  const at = nowIso();
  if (id === undefined) {
    const newId = newRecordId();
    await session.docs.create(newId, RecordType.Contact, createContact(newId, form, session.author, session.account.actor, at));
    return newId;
  }
  await session.docs.edit<ContactDoc>(id, (doc) => updateContact(doc, form, session.author, at));
  return id;
}

function ContactEditor({ id, initial, draftKey }: { readonly id?: string; readonly initial: ContactForm; readonly draftKey: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const [form, setForm, clearDraft] = useDraft<ContactForm>(draftKey, () => initial);
  const [showErrors, setShowErrors] = useState(false);
  const [saving, setSaving] = useState(false);
  // Set at once on a tap, before the button is drawn disabled: a second tap never saves twice.
  const savingNow = useRef(false);
  const [duplicates, setDuplicates] = useState<Duplicate[]>([]);
  const [otherLanguage, setOtherLanguage] = useState("");
  const problems = validateContact(form);
  const err = (field: keyof ContactForm): string | undefined => {
    const problem = problems[field];
    return showErrors && problem ? t(`contact.problem.${problem}` as MessageKey) : undefined;
  };
  const set = <K extends keyof ContactForm>(key: K, value: ContactForm[K]): void => setForm({ ...form, [key]: value });

  const save = async (checkDuplicates: boolean): Promise<void> => {
    if (savingNow.current) return;
    if (Object.keys(problems).length > 0) {
      setShowErrors(true);
      return;
    }
    if (checkDuplicates) {
      const found = findDuplicates(
        {
          name: displayName(form.givenName, form.familyName, form.alias),
          phone: form.phone,
          birthYear: form.birthYear.trim() === "" ? null : Number(form.birthYear),
          nationality: form.nationality,
        },
        session.vault.entries(),
        id,
      );
      if (found.length > 0) {
        setDuplicates(found);
        return;
      }
    }
    if (duplicates.length > 0) setDuplicates([]);
    savingNow.current = true;
    const saved = saveContact(session, form, id);
    // Drawn with the next frame, as it would be anyway, so that drawing it
    // does not hold back the document change and its sealing.
    requestAnimationFrame(() => setSaving(savingNow.current));
    try {
      const savedId = await saved;
      clearDraft();
      navigate(`/contacts/${savedId}?saved`, id !== undefined);
    } catch {
      savingNow.current = false;
      setSaving(false);
      alertStorage(t);
    }
  };

  const consented = form.consentGiven;
  const year = new Date().getFullYear();
  // Sorted country names cost a slow phone tens of milliseconds: once per language, not at every keystroke.
  const nationalities = useMemo(() => {
    const collator = new Intl.Collator(i18n.lang);
    return [...COMMON_NATIONALITIES].map((code) => ({ value: code as string, label: i18n.region(code) })).sort((a, b) => collator.compare(a.label, b.label));
  }, [i18n]);
  const languageOptions = useMemo(
    () => [...new Set([...COMMON_LANGUAGES, ...form.languages])].map((code) => ({ value: code as string, label: i18n.language(code) })),
    [i18n, form.languages],
  );
  const choices = useMemo(
    () => ({
      scope: options(ConsentScope, "scope", t),
      sex: options(Sex, "sex", t),
      age: options(AgeBand, "age", t),
      status: options(MigrationStatus, "status", t),
      education: options(Education, "education", t),
      interest: options(Interest, "interest", t),
      stage: options(Stage, "stage", t),
    }),
    [t],
  );

  return (
    <Screen title={id ? t("contact.editTitle") : t("contact.newTitle")} back={id ? `/contacts/${id}` : "/contacts"}>
      <form
        class="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save(true);
        }}
      >
        <fieldset class="consent">
          <legend>{t("contact.consentTitle")}</legend>
          <p>{t("contact.consentQuestion")}</p>
          <label class="check">
            <input type="checkbox" name="consent" checked={form.consentGiven} onChange={(e) => set("consentGiven", e.currentTarget.checked)} />
            <span>{t("contact.consentGiven")}</span>
          </label>
          {err("consentGiven") ? <p class="field__error" role="alert">{err("consentGiven")}</p> : null}
          {consented ? (
            <Chips legend={t("contact.consentScope")} name="scope" options={choices.scope} selected={form.consentScope} onChange={(v) => set("consentScope", v)} />
          ) : (
            <p class="muted">{t("contact.consentRequired")}</p>
          )}
        </fieldset>

        <fieldset disabled={!consented} class="section">
          <legend>{t("contact.identity")}</legend>
          <TextInput label={t("contact.givenName")} name="given_name" value={form.givenName} onInput={(v) => set("givenName", v)} error={err("givenName")} />
          <TextInput label={t("contact.familyName")} name="family_name" value={form.familyName} onInput={(v) => set("familyName", v)} />
          <TextInput label={t("contact.alias")} name="alias" value={form.alias} onInput={(v) => set("alias", v)} />
          <Choice legend={t("contact.sex")} name="sex" options={choices.sex} value={form.sex} onChange={(v) => set("sex", v)} />
          <TextInput label={t("contact.birthYear")} name="birth_year" inputMode="numeric" value={form.birthYear} onInput={(v) => set("birthYear", v)} error={err("birthYear") ? `${err("birthYear")} (${year})` : undefined} dir="ltr" />
          {form.birthYear.trim() === "" ? <Select label={t("contact.ageBand")} name="age_band" value={form.ageBand} options={choices.age} onChange={(v) => set("ageBand", v)} /> : null}
          <Select label={t("contact.nationality")} name="nationality" value={form.nationality} options={nationalities} onChange={(v) => set("nationality", v)} error={err("nationality")} />
          <Select label={t("contact.status")} name="status" value={form.status} options={choices.status} onChange={(v) => set("status", v)} />
          <TextInput label={t("contact.phone")} name="phone" type="tel" inputMode="tel" value={form.phone} onInput={(v) => set("phone", v)} error={err("phone")} dir="ltr" />
          <Chips legend={t("contact.languages")} name="languages" options={languageOptions} selected={form.languages} onChange={(v) => set("languages", v)} />
          <div class="inline">
            <TextInput label={t("contact.otherLanguage")} name="other_language" value={otherLanguage} onInput={setOtherLanguage} dir="ltr" />
            <button
              type="button"
              class="button"
              disabled={!/^[a-z]{2,3}$/.test(otherLanguage.trim().toLowerCase())}
              onClick={() => {
                const code = otherLanguage.trim().toLowerCase();
                if (!form.languages.includes(code)) set("languages", [...form.languages, code]);
                setOtherLanguage("");
              }}
            >
              {t("contact.add")}
            </button>
          </div>
        </fieldset>

        <fieldset disabled={!consented} class="section">
          <legend>{t("contact.place")}</legend>
          <TextInput label={t("contact.neighbourhood")} name="neighbourhood" value={form.neighbourhood} onInput={(v) => set("neighbourhood", v)} />
          <TextInput label={t("contact.city")} name="city" value={form.city} onInput={(v) => set("city", v)} />
        </fieldset>

        <fieldset disabled={!consented} class="section">
          <legend>{t("stage.title")}</legend>
          <Select label={t("contact.education")} name="education" value={form.education} options={choices.education} onChange={(v) => set("education", v)} />
          <TextArea label={t("contact.skills")} name="skills" value={form.skills} onInput={(v) => set("skills", v)} />
          <Chips legend={t("contact.interests")} name="interests" options={choices.interest} selected={form.interests} onChange={(v) => set("interests", v)} />
          <Select label={t("contact.stage")} name="stage" value={form.stage} options={choices.stage} onChange={(v) => set("stage", v)} />
          <TextArea label={t("contact.notes")} name="notes" value={form.notes} onInput={(v) => set("notes", v)} />
        </fieldset>

        {showErrors && Object.keys(problems).length > 0 ? <p class="form__error" role="alert">{t("contact.fixErrors")}</p> : null}
        <div class="sticky-actions">
          <button type="submit" class="button button--primary" disabled={saving} data-testid="save-contact">
            {saving ? t("contact.saving") : t("contact.save")}
          </button>
        </div>
      </form>
      {duplicates.length > 0 ? (
        <Dialog title={t("contact.duplicateTitle")} onClose={() => setDuplicates([])}>
          <ul class="list">
            {duplicates.map((d) => (
              <li key={d.id} class="list__item list__item--static">
                <span class="list__title">{d.summary.name}</span>
                <span class="list__meta">{t(`contact.duplicate.${d.reason}` as MessageKey)}</span>
                <a class="button button--small" href={`#/contacts/${d.id}`}>
                  {t("contact.duplicateOpen")}
                </a>
              </li>
            ))}
          </ul>
          <div class="actions">
            <button type="button" class="button" onClick={() => setDuplicates([])}>
              {t("common.cancel")}
            </button>
            <button type="button" class="button button--primary" onClick={() => void save(false)} data-testid="save-anyway">
              {t("contact.duplicateSaveAnyway")}
            </button>
          </div>
        </Dialog>
      ) : null}
    </Screen>
  );
}

export function alertStorage(t: Translator["t"]): void {
  window.alert(t("error.storage"));
}
