import { useMemo, useState } from "preact/hooks";
import { useI18n, type MessageKey } from "../../i18n";
import { useDoc, useEntries, useFlash, useSession } from "../hooks";
import { Screen } from "../components/Screen";
import { Meta } from "../components/Meta";
import { Choice, TextInput } from "../components/Field";
import { hashFlag } from "../router";
import { markAttendance, readMarks, sessionToForm, type SessionDoc } from "../../model/session";
import { AttendanceStatus, Sex } from "../../model/vocabulary";
import { emptyContactForm, validateContact, type ContactForm } from "../../model/contact";
import { nowIso } from "../../model/common";
import { listedContacts } from "../../model/redirect";
import { searchContacts, sortByName } from "../search";
import { alertStorage, options, saveContact } from "./ContactFormScreen";
import type { A } from "../../automerge";

const SHOWN = 60;

export function RollCallScreen({ id }: { readonly id: string }) {
  const { t } = useI18n();
  const loaded = useDoc<SessionDoc>(id);
  if (loaded.state === "loading") return <Screen title={t("session.rollCall")} back="/sessions"><p class="muted">{t("app.loading")}</p></Screen>;
  if (loaded.state === "missing") return <Screen title={t("session.rollCall")} back="/sessions"><p class="empty">{t("session.notFound")}</p></Screen>;
  return <RollCall id={id} doc={loaded.doc} />;
}


function RollCall({ id, doc }: { readonly id: string; readonly doc: A.Doc<SessionDoc> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const entries = useEntries();
  const [flash, setFlash] = useFlash();
  const [justSaved] = useState(() => hashFlag("saved"));
  const [query, setQuery] = useState("");
  const [walkIn, setWalkIn] = useState(false);
  const form = sessionToForm(doc);
  const marks = readMarks(doc);
  const contacts = useMemo(() => sortByName(listedContacts(entries)), [entries]);
  const results = useMemo(() => {
    const found = searchContacts(contacts, query);
    // Those already marked first, so the roll call reads as it goes.
    return [...found.filter((c) => marks[c.id]), ...found.filter((c) => !marks[c.id])];
  }, [contacts, query, marks]);
  const present = Object.values(marks).filter((m) => m === AttendanceStatus.Present).length;
  const absent = Object.values(marks).filter((m) => m === AttendanceStatus.Absent).length;

  const mark = async (contactId: string, status: AttendanceStatus): Promise<void> => {
    try {
      await session.docs.edit<SessionDoc>(id, (d) => markAttendance(d, contactId, status, session.author, nowIso()));
    } catch {
      alertStorage(t);
    }
  };

  return (
    <Screen
      title={form.topic}
      back="/sessions"
      flash={flash || (justSaved ? t("common.saved") : "")}
      action={
        <a class="button button--small" href={`#/sessions/${id}/edit`}>
          {t("session.edit")}
        </a>
      }
    >
      <p class="muted">
        {[form.kind ? t(`sessionKind.${form.kind}` as MessageKey) : "", i18n.dateTime(form.startsAt), form.place].filter((s) => s !== "").join(" · ")}
      </p>
      <h2 class="list-heading">{t("session.rollCall")}</h2>
      <p data-testid="roll-counts">{t("session.marked", { present: i18n.plural("sessions.present", present), absent: i18n.plural("sessions.absent", absent) })}</p>
      <input type="search" class="search" dir="auto" placeholder={t("session.rollSearch")} aria-label={t("session.rollSearch")} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      {results.length === 0 ? <p class="empty">{t("session.noContacts")}</p> : null}
      <ul class="list" data-testid="roll-list">
        {results.slice(0, SHOWN).map((c) => (
          <li key={c.id} class="roll" data-contact={c.id}>
            <span class="roll__name">
              <span class="list__title">{c.summary.name}</span>
              <Meta parts={[c.summary.phone, c.summary.neighbourhood]} />
            </span>
            <span class="roll__buttons">
              <button type="button" class={`mark mark--present${marks[c.id] === AttendanceStatus.Present ? " mark--on" : ""}`} aria-pressed={marks[c.id] === AttendanceStatus.Present ? "true" : "false"} onClick={() => void mark(c.id, AttendanceStatus.Present)}>
                {t("session.present")}
              </button>
              <button type="button" class={`mark mark--absent${marks[c.id] === AttendanceStatus.Absent ? " mark--on" : ""}`} aria-pressed={marks[c.id] === AttendanceStatus.Absent ? "true" : "false"} onClick={() => void mark(c.id, AttendanceStatus.Absent)}>
                {t("session.absent")}
              </button>
            </span>
          </li>
        ))}
      </ul>
      {walkIn ? (
        <WalkIn
          onDone={async (contactId, name) => {
            setWalkIn(false);
            setQuery("");
            if (contactId) {
              await mark(contactId, AttendanceStatus.Present);
              setFlash(`${name} — ${t("session.present")}`);
            }
          }}
          initialName={query}
        />
      ) : (
        <button type="button" class="button" onClick={() => setWalkIn(true)} data-testid="walk-in">
          + {t("session.walkIn")}
        </button>
      )}
    </Screen>
  );
}

/** A new contact typed on the spot, saved and marked present without leaving the roll call. */
function WalkIn({ onDone, initialName }: { readonly onDone: (contactId: string | null, name: string) => Promise<void>; readonly initialName: string }) {
  const { t } = useI18n();
  const session = useSession();
  const [form, setForm] = useState<ContactForm>(() => ({ ...emptyContactForm(), givenName: initialName }));
  const [showErrors, setShowErrors] = useState(false);
  const [saving, setSaving] = useState(false);
  const problems = validateContact(form);
  const set = <K extends keyof ContactForm>(key: K, value: ContactForm[K]): void => setForm({ ...form, [key]: value });
  const err = (field: keyof ContactForm): string | undefined => {
    const p = problems[field];
    return showErrors && p ? t(`contact.problem.${p}` as MessageKey) : undefined;
  };

  const save = async (): Promise<void> => {
    setShowErrors(true);
    if (Object.keys(problems).length > 0) return;
    setSaving(true);
    try {
      const contactId = await saveContact(session, form);
      await onDone(contactId, [form.givenName, form.familyName].join(" ").trim() || form.alias);
    } catch {
      setSaving(false);
      alertStorage(t);
    }
  };

  return (
    <section class="card" data-testid="walk-in-form">
      <h2>{t("session.walkInTitle")}</h2>
      <label class="check">
        <input type="checkbox" name="walkin-consent" checked={form.consentGiven} onChange={(e) => set("consentGiven", e.currentTarget.checked)} />
        <span>{t("contact.consentGiven")}</span>
      </label>
      {err("consentGiven") ? <p class="field__error" role="alert">{err("consentGiven")}</p> : <p class="muted">{t("contact.consentQuestion")}</p>}
      <fieldset disabled={!form.consentGiven} class="section">
        <TextInput label={t("contact.givenName")} name="walkin_given_name" value={form.givenName} onInput={(v) => set("givenName", v)} error={err("givenName")} />
        <TextInput label={t("contact.familyName")} name="walkin_family_name" value={form.familyName} onInput={(v) => set("familyName", v)} />
        <TextInput label={t("contact.phone")} name="walkin_phone" type="tel" inputMode="tel" value={form.phone} onInput={(v) => set("phone", v)} error={err("phone")} dir="ltr" />
        <Choice legend={t("contact.sex")} name="walkin_sex" options={options(Sex, "sex", t)} value={form.sex} onChange={(v) => set("sex", v)} />
      </fieldset>
      <div class="actions">
        <button type="button" class="button" onClick={() => void onDone(null, "")}>
          {t("common.cancel")}
        </button>
        <button type="button" class="button button--primary" disabled={saving} onClick={() => void save()} data-testid="save-walk-in">
          {t("session.walkInSave")}
        </button>
      </div>
    </section>
  );
}
