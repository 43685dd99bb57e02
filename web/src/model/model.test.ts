import { describe, expect, it } from "vitest";
import { A } from "../automerge";
import { createContact, emptyContactForm, updateContact, validateContact, ContactProblem, contactToForm, addFollowUp, readFollowUps } from "./contact";
import { createVisit, updateVisit, visitToForm } from "./visit";
import { findDuplicates, similarNames, DuplicateReason } from "./duplicates";
import { FollowUpKind } from "./vocabulary";
import type { IndexEntry } from "../store/types";
import { summarizeContact } from "./contact";

const author = { userId: "11111111-1111-4111-8111-111111111111", agencyId: "22222222-2222-4222-8222-222222222222" };
const actorA = "aa".repeat(16);
const actorB = "bb".repeat(16);
const at = "2026-11-29T10:15:00.000Z";

describe("the contact document", () => {
  it("writes scalar fields as immutable strings, notes as text and sets as maps", () => {
    const doc = createContact("33333333-3333-4333-8333-333333333333", { ...emptyContactForm(), consentGiven: true, givenName: "Awa", languages: ["fr", "wo"], notes: "Cherche une formation" }, author, actorA, at);
    expect(A.isImmutableString(doc.given_name)).toBe(true);
    expect(A.isImmutableString(doc.type)).toBe(true);
    expect(typeof doc.notes).toBe("string");
    expect({ ...doc.languages }).toEqual({ fr: true, wo: true });
    expect(doc.consent.given).toBe(true);
    expect(A.isImmutableString(doc.consent.at)).toBe(true);
    expect(doc.schema).toBe(1);
  });

  it("asks for consent first and a name, and checks the phone and birth year", () => {
    const problems = validateContact({ ...emptyContactForm(), phone: "12ab", birthYear: "1850" }, 2026);
    expect(problems).toEqual({
      consentGiven: ContactProblem.ConsentMissing,
      givenName: ContactProblem.NameMissing,
      phone: ContactProblem.PhoneInvalid,
      birthYear: ContactProblem.BirthYearInvalid,
    });
  });

  it("writes only the fields that changed", () => {
    const doc = createContact("33333333-3333-4333-8333-333333333333", { ...emptyContactForm(), consentGiven: true, givenName: "Awa" }, author, actorA, at);
    const same = updateContact(doc, contactToForm(doc), author, at);
    expect(A.getHeads(same)).toEqual(A.getHeads(doc));
  });

  it("keeps follow-ups appended concurrently on two phones", () => {
    const base = createContact("33333333-3333-4333-8333-333333333333", { ...emptyContactForm(), consentGiven: true, givenName: "Awa" }, author, actorA, at);
    const other = A.clone(base, { actor: actorB });
    const a = addFollowUp(base, { at: "2026-11-30", kind: FollowUpKind.Call, note: "rappel" }, author);
    const b = addFollowUp(other, { at: "2026-12-01", kind: FollowUpKind.Visit, note: "" }, author);
    expect(readFollowUps(A.merge(a, b)).map((f) => f.kind)).toEqual([FollowUpKind.Visit, FollowUpKind.Call]);
  });
});

describe("the visit document", () => {
  it("adds up people reached by two agents", () => {
    const form = { date: "2026-11-29", neighbourhood: "La Duchère", place: "", reached: 2, womenReached: 1, topics: [], notes: "" };
    const base = createVisit("44444444-4444-4444-8444-444444444444", form, author, actorA, at);
    const other = A.clone(base, { actor: actorB });
    const a = updateVisit(base, { ...form, reached: 5 }, author);
    const b = updateVisit(other, { ...form, reached: 4, womenReached: 3 }, author);
    expect(visitToForm(A.merge(a, b))).toMatchObject({ reached: 7, womenReached: 3 });
  });
});

describe("duplicate detection", () => {
  const entryFor = (name: string, phone: string, birthYear: string, nationality: string): IndexEntry => {
    const [given, family] = name.split(" ");
    const doc = createContact("55555555-5555-4555-8555-555555555555", { ...emptyContactForm(), consentGiven: true, givenName: given ?? "", familyName: family ?? "", phone, birthYear, nationality }, author, actorA, at);
    return { id: "55555555-5555-4555-8555-555555555555", type: "contact", sync: { heads: [], acked: [], dirty: false }, summary: summarizeContact(doc) };
  };

  it("flags the same phone number written differently", () => {
    const found = findDuplicates({ name: "X", phone: "06 12 34 56 78", birthYear: null, nationality: "" }, [entryFor("Awa Diop", "+33 6 12 34 56 78", "", "")]);
    expect(found.map((d) => d.reason)).toEqual([DuplicateReason.SamePhone]);
  });

  it("flags a similar name with the same birth year and nationality only", () => {
    const entries = [entryFor("Mamadou Diallo", "", "1990", "GN")];
    expect(findDuplicates({ name: "Diallo Mamadu", phone: "", birthYear: 1990, nationality: "GN" }, entries)).toHaveLength(1);
    expect(findDuplicates({ name: "Diallo Mamadu", phone: "", birthYear: 1991, nationality: "GN" }, entries)).toHaveLength(0);
    expect(similarNames("Élodie", "elodie")).toBe(true);
    expect(similarNames("Amina", "Karim")).toBe(false);
  });
});
