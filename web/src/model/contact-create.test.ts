import { describe, expect, it } from "vitest";
import { A } from "../automerge";
import { createContact, emptyContactForm, updateContact, type ContactForm } from "./contact";
import { Education, Interest, MigrationStatus, Sex, Stage } from "./vocabulary";

const author = { userId: "11111111-1111-4111-8111-111111111111", agencyId: "22222222-2222-4222-8222-222222222222" };
const actor = "cc".repeat(16);
const at = "2026-11-29T10:15:00.000Z";
const id = "44444444-4444-4444-8444-444444444444";

const forms: Record<string, ContactForm> = {
  "a name only": { ...emptyContactForm(), consentGiven: true, givenName: "  Awa " },
  "every field": {
    ...emptyContactForm(),
    consentGiven: true,
    givenName: "Awa",
    familyName: "Diallo",
    alias: "Tata",
    sex: Sex.Female,
    birthYear: "1994",
    nationality: "ml",
    status: MigrationStatus.AsylumSeeker,
    phone: "06 12 34 56 78",
    languages: ["fr", "bm"],
    neighbourhood: "La Duchère",
    city: "Lyon",
    education: Education.Secondary,
    skills: "couture",
    interests: [Interest.JobSearch, Interest.VocationalTraining],
    stage: Stage.Contacted,
    notes: "Cherche une formation",
  },
  "no consent yet": { ...emptyContactForm(), givenName: "Omar" },
};

describe("creating a contact document", () => {
  for (const [name, form] of Object.entries(forms)) {
    it(`holds what editing an empty contact to the same form writes (${name}), in one change`, () => {
      const created = createContact(id, form, author, actor, at);
      const empty = createContact(id, { ...emptyContactForm(), consentGiven: form.consentGiven }, author, actor, at);
      const edited = updateContact(empty, form, author, at);

      expect(A.toJS(created)).toEqual(A.toJS(edited));
      expect(A.getAllChanges(created)).toHaveLength(1);
      expect(A.isImmutableString(created.given_name)).toBe(true);
    });
  }
});
