/** The contact record: its document layout, the form that edits it, and its index summary. */
import { A } from "../automerge";
import type { ContactSummary } from "../store/types";
import { randomUuid } from "../bytes";
import {
  commonFields,
  losingValues,
  putSet,
  putStr,
  putText,
  readEnum,
  readInt,
  readSet,
  readStr,
  str,
  type Author,
  type CommonDoc,
  type SetMap,
  type Str,
} from "./common";
import {
  AgeBand,
  ConsentScope,
  Education,
  FollowUpKind,
  Interest,
  MigrationStatus,
  RecordType,
  Sex,
  Stage,
} from "./vocabulary";

export interface FollowUpDoc {
  id: Str;
  at: Str;
  kind: Str;
  note?: string;
  by?: Str;
}

export interface ContactDoc extends CommonDoc {
  given_name?: Str;
  family_name?: Str;
  alias?: Str;
  sex?: Str;
  birth_year?: number;
  age_band?: Str;
  nationality?: Str;
  status?: Str;
  phone?: Str;
  languages: SetMap;
  neighbourhood?: Str;
  city?: Str;
  education?: Str;
  skills?: string;
  interests: SetMap;
  consent: { given: boolean; at?: Str; by?: Str; scope: SetMap };
  stage?: Str;
  follow_ups: FollowUpDoc[];
  notes?: string;
  /** Set by a supervisor's merge: this record now redirects to that contact. */
  merged_into?: Str;
}

/** What the contact form edits: every field, as the agent typed it. */
export interface ContactForm {
  consentGiven: boolean;
  consentScope: ConsentScope[];
  givenName: string;
  familyName: string;
  alias: string;
  sex: Sex | "";
  birthYear: string;
  ageBand: AgeBand | "";
  nationality: string;
  status: MigrationStatus | "";
  phone: string;
  languages: string[];
  neighbourhood: string;
  city: string;
  education: Education | "";
  skills: string;
  interests: Interest[];
  stage: Stage | "";
  notes: string;
}

export function emptyContactForm(): ContactForm {
  return {
    consentGiven: false,
    consentScope: [ConsentScope.Record, ConsentScope.CallBack],
    givenName: "",
    familyName: "",
    alias: "",
    sex: "",
    birthYear: "",
    ageBand: "",
    nationality: "",
    status: "",
    phone: "",
    languages: [],
    neighbourhood: "",
    city: "",
    education: "",
    skills: "",
    interests: [],
    stage: "",
    notes: "",
  };
}

export const ContactProblem = {
  ConsentMissing: "consent_missing",
  NameMissing: "name_missing",
  BirthYearInvalid: "birth_year_invalid",
  PhoneInvalid: "phone_invalid",
  NationalityInvalid: "nationality_invalid",
} as const;
export type ContactProblem = (typeof ContactProblem)[keyof typeof ContactProblem];

export type ContactField = keyof ContactForm;

/** Checks a form against the schema; the keys name the fields to flag. */
export function validateContact(form: ContactForm, thisYear = new Date().getFullYear()): Partial<Record<ContactField, ContactProblem>> {
  const problems: Partial<Record<ContactField, ContactProblem>> = {};
  if (!form.consentGiven) problems.consentGiven = ContactProblem.ConsentMissing;
  if (![form.givenName, form.familyName, form.alias].some((n) => n.trim() !== "")) {
    problems.givenName = ContactProblem.NameMissing;
  }
  if (form.birthYear.trim() !== "") {
    const year = Number(form.birthYear.trim());
    if (!Number.isInteger(year) || year < 1900 || year > thisYear) problems.birthYear = ContactProblem.BirthYearInvalid;
  }
  if (form.phone.trim() !== "" && !isPhoneNumber(form.phone.trim())) problems.phone = ContactProblem.PhoneInvalid;
  if (form.nationality !== "" && !/^[A-Z]{2}$/.test(form.nationality)) problems.nationality = ContactProblem.NationalityInvalid;
  return problems;
}

/** Digits with an optional leading +, spaces allowed, 6 to 20 digits (schema `phone`). */
export function isPhoneNumber(text: string): boolean {
  const rest = text.startsWith("+") ? text.slice(1) : text;
  if (!/^[0-9 ]*$/.test(rest)) return false;
  const digits = rest.replace(/ /g, "").length;
  return digits >= 6 && digits <= 20;
}

/** The number without spaces or leading +/00 and trunk 0, to compare numbers written differently. */
export function phoneKey(text: string): string {
  const digits = text.replace(/[^0-9]/g, "");
  return digits.length > 9 ? digits.slice(-9) : digits.replace(/^0+/, "");
}

function writeForm(d: ContactDoc, form: ContactForm, author: Author, at: string): void {
  const root = d as unknown as Record<string, unknown>;
  putStr(root, "given_name", form.givenName);
  putStr(root, "family_name", form.familyName);
  putStr(root, "alias", form.alias);
  putStr(root, "sex", form.sex);
  const year = form.birthYear.trim() === "" ? null : Number(form.birthYear.trim());
  if (year === null) {
    if (d.birth_year !== undefined) delete d.birth_year;
  } else if (d.birth_year !== year) {
    d.birth_year = year;
  }
  putStr(root, "age_band", form.ageBand);
  putStr(root, "nationality", form.nationality.toUpperCase());
  putStr(root, "status", form.status);
  putStr(root, "phone", form.phone);
  putSet(root, "languages", form.languages);
  putStr(root, "neighbourhood", form.neighbourhood);
  putStr(root, "city", form.city);
  putStr(root, "education", form.education);
  putText(root, "skills", form.skills);
  putSet(root, "interests", form.interests);
  const consent = d.consent as unknown as Record<string, unknown>;
  if (d.consent.given !== form.consentGiven) {
    d.consent.given = form.consentGiven;
    putStr(consent, "at", at);
    putStr(consent, "by", author.userId);
  }
  putSet(consent, "scope", form.consentScope);
  putStr(root, "stage", form.stage);
  putText(root, "notes", form.notes);
}

/**
 * A new contact document holding `form`, as one change. The fields are
 * gathered in a plain object and written in one go: through the document
 * proxy each field costs reads and writes into WASM, five times slower.
 */
export function createContact(id: string, form: ContactForm, author: Author, actor: string, at: string): A.Doc<ContactDoc> {
  const d: ContactDoc = {
    ...commonFields(RecordType.Contact, id, author, at),
    languages: {},
    interests: {},
    consent: { given: form.consentGiven, scope: {} },
    follow_ups: [],
  };
  if (form.consentGiven) {
    d.consent.at = str(at);
    d.consent.by = str(author.userId);
  }
  writeForm(d, form, author, at);
  return A.from(d as unknown as Record<string, unknown>, { actor }) as unknown as A.Doc<ContactDoc>;
}

/** `doc` with the fields of `form` that differ written, as one change. */
export function updateContact(doc: A.Doc<ContactDoc>, form: ContactForm, author: Author, at: string): A.Doc<ContactDoc> {
  return A.change(doc, (d) => {
    if (!d.consent) d.consent = { given: false, scope: {} };
    writeForm(d, form, author, at);
  });
}

export function contactToForm(doc: ContactDoc): ContactForm {
  const birth = readInt(doc.birth_year);
  return {
    consentGiven: doc.consent?.given === true,
    consentScope: readSet(doc.consent?.scope).filter((s): s is ConsentScope => (Object.values(ConsentScope) as string[]).includes(s)),
    givenName: readStr(doc.given_name),
    familyName: readStr(doc.family_name),
    alias: readStr(doc.alias),
    sex: readEnum(Sex, doc.sex) ?? "",
    birthYear: birth === null ? "" : String(birth),
    ageBand: readEnum(AgeBand, doc.age_band) ?? "",
    nationality: readStr(doc.nationality),
    status: readEnum(MigrationStatus, doc.status) ?? "",
    phone: readStr(doc.phone),
    languages: readSet(doc.languages),
    neighbourhood: readStr(doc.neighbourhood),
    city: readStr(doc.city),
    education: readEnum(Education, doc.education) ?? "",
    skills: readStr(doc.skills),
    interests: readSet(doc.interests).filter((s): s is Interest => (Object.values(Interest) as string[]).includes(s)),
    stage: readEnum(Stage, doc.stage) ?? "",
    notes: readStr(doc.notes),
  };
}

export interface FollowUp {
  readonly id: string;
  readonly at: string;
  readonly kind: FollowUpKind;
  readonly note: string;
  readonly by: string;
}

export function readFollowUps(doc: ContactDoc): FollowUp[] {
  const list = Array.isArray(doc.follow_ups) ? doc.follow_ups : [];
  return list
    .map((f) => ({
      id: readStr(f.id),
      at: readStr(f.at),
      kind: readEnum(FollowUpKind, f.kind) ?? FollowUpKind.Other,
      note: readStr(f.note),
      by: readStr(f.by),
    }))
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** Appends a follow-up (concurrent appends on two phones are both kept). */
export function addFollowUp(
  doc: A.Doc<ContactDoc>,
  followUp: { at: string; kind: FollowUpKind; note: string },
  author: Author,
): A.Doc<ContactDoc> {
  return A.change(doc, (d) => {
    if (!Array.isArray(d.follow_ups)) d.follow_ups = [];
    const entry: FollowUpDoc = { id: str(randomUuid()), at: str(followUp.at), kind: str(followUp.kind), by: str(author.userId) };
    if (followUp.note.trim() !== "") entry.note = followUp.note.trim();
    d.follow_ups.push(entry);
  });
}

export function setStage(doc: A.Doc<ContactDoc>, stage: Stage): A.Doc<ContactDoc> {
  return A.change(doc, (d) => {
    d.stage = str(stage);
  });
}

/** Scalar fields whose concurrent values are offered for resolution, with their form names. */
export const CONFLICT_FIELDS = [
  "given_name",
  "family_name",
  "alias",
  "sex",
  "birth_year",
  "age_band",
  "nationality",
  "status",
  "phone",
  "neighbourhood",
  "city",
  "education",
  "stage",
] as const;
export type ConflictField = (typeof CONFLICT_FIELDS)[number];

export interface FieldConflict {
  readonly field: ConflictField;
  readonly current: string;
  readonly others: readonly string[];
}

export function contactConflicts(doc: A.Doc<ContactDoc>): FieldConflict[] {
  const out: FieldConflict[] = [];
  for (const field of CONFLICT_FIELDS) {
    const others = losingValues(doc, field);
    if (others.length === 0) continue;
    const value = (doc as unknown as Record<string, unknown>)[field];
    out.push({ field, current: typeof value === "number" ? String(value) : readStr(value), others });
  }
  return out;
}

/** Writes the agent's pick for a conflicted field: an ordinary change that supersedes every value. */
export function resolveConflict(doc: A.Doc<ContactDoc>, field: ConflictField, value: string): A.Doc<ContactDoc> {
  return A.change(doc, (d) => {
    const root = d as unknown as Record<string, unknown>;
    if (field === "birth_year") {
      const year = Number(value);
      if (Number.isInteger(year)) root[field] = year;
    } else {
      root[field] = str(value);
    }
  });
}

export function displayName(given: string, family: string, alias: string): string {
  const full = [given, family].filter((s) => s.trim() !== "").join(" ");
  if (full && alias) return `${full} (${alias})`;
  return full || alias;
}

export function summarizeContact(doc: A.Doc<ContactDoc>): ContactSummary {
  const given = readStr(doc.given_name);
  const family = readStr(doc.family_name);
  const alias = readStr(doc.alias);
  const phone = readStr(doc.phone);
  return {
    kind: "contact",
    name: displayName(given, family, alias),
    givenName: given,
    familyName: family,
    alias,
    phone,
    phoneDigits: phone ? phoneKey(phone) : "",
    neighbourhood: readStr(doc.neighbourhood),
    city: readStr(doc.city),
    stage: readEnum(Stage, doc.stage),
    birthYear: readInt(doc.birth_year),
    ageBand: readEnum(AgeBand, doc.age_band),
    nationality: readStr(doc.nationality),
    createdAt: readStr(doc.created_at),
    conflicts: contactConflicts(doc).length,
    ...(readStr(doc.merged_into) ? { mergedInto: readStr(doc.merged_into) } : {}),
  };
}
