import { describe, expect, it } from "vitest";
import { A } from "../automerge";
import { createContact, emptyContactForm, summarizeContact, type ContactDoc } from "./contact";
import { listedContacts, mergedInto } from "./redirect";
import type { IndexEntry } from "../store/types";

const author = { userId: "11111111-1111-4111-8111-111111111111", agencyId: "22222222-2222-4222-8222-222222222222" };
const at = "2026-11-29T10:15:00.000Z";
const survivorId = "33333333-3333-4333-8333-333333333333";
const otherId = "44444444-4444-4444-8444-444444444444";

function contact(id: string, givenName: string): A.Doc<ContactDoc> {
  return createContact(id, { ...emptyContactForm(), consentGiven: true, givenName }, author, "aa".repeat(16), at);
}

/** The change the server makes on the merged record, as a phone receives it. */
function mergedByTheServer(doc: A.Doc<ContactDoc>, into: string): A.Doc<ContactDoc> {
  const server = A.clone(doc, { actor: "ff".repeat(16) });
  const changed = A.change(server, (d) => {
    d.merged_into = new A.ImmutableString(into);
  });
  return A.merge(A.clone(doc), changed);
}

function entry(id: string, doc: A.Doc<ContactDoc>): IndexEntry {
  return { id, summary: summarizeContact(doc) } as unknown as IndexEntry;
}

describe("a contact merged by a supervisor", () => {
  it("names the contact it redirects to, and an ordinary contact names none", () => {
    const other = mergedByTheServer(contact(otherId, "Amina"), survivorId);
    expect(mergedInto(other)).toBe(survivorId);
    expect(mergedInto(contact(survivorId, "Amina"))).toBeNull();
    expect(summarizeContact(other).mergedInto).toBe(survivorId);
    expect("mergedInto" in summarizeContact(contact(survivorId, "Amina"))).toBe(false);
  });

  it("is left out of the contacts list while the survivor stays", () => {
    const survivor = contact(survivorId, "Amina");
    const other = mergedByTheServer(contact(otherId, "Aminata"), survivorId);
    const listed = listedContacts([entry(survivorId, survivor), entry(otherId, other)]);
    expect(listed.map((e) => e.id)).toEqual([survivorId]);
  });

  it("is listed again once the merge is undone", () => {
    const other = mergedByTheServer(contact(otherId, "Aminata"), survivorId);
    const undone = A.change(other, (d) => {
      delete d.merged_into;
    });
    expect(mergedInto(undone)).toBeNull();
    expect(listedContacts([entry(otherId, undone)]).map((e) => e.id)).toEqual([otherId]);
  });
});
