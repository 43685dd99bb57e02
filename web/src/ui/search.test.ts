import { describe, expect, it } from "vitest";
import { prepareSearchWhenIdle, searchContacts, sortByName } from "./search";
import type { ContactSummary, IndexEntry } from "../store/types";

type ContactEntry = IndexEntry & { summary: ContactSummary };

function contact(id: string, name: string, phone = "", neighbourhood = ""): ContactEntry {
  return {
    id,
    type: "contact",
    sync: { heads: [], acked: [], dirty: false },
    summary: {
      kind: "contact",
      name,
      givenName: name,
      familyName: "",
      alias: "",
      phone,
      phoneDigits: phone.replace(/[^0-9]/g, ""),
      neighbourhood,
      city: "Lyon",
      stage: null,
      birthYear: null,
      ageBand: null,
      nationality: "",
      createdAt: "",
      conflicts: 0,
    },
  };
}

const yasmine = contact("a", "Yasmine 3k9f2", "06 11 11 11 11", "Mermoz");
const omar = contact("b", "Omar Haddad", "06 39 21 00 00", "La Duchère");
const awa = contact("c", "Awa Diallo", "+33 7 12 34 56 78", "La Guillotière");
const all = [yasmine, omar, awa];
const ids = (query: string): string[] => searchContacts(all, query).map((e) => e.id);

describe("searching contacts", () => {
  it("finds a name typed with digits in it, and no one whose phone holds those digits", () => {
    expect(ids("Yasmine 3k9f2")).toEqual(["a"]);
    expect(ids("3k9f2")).toEqual(["a"]);
  });

  it("finds a phone number however it is spaced", () => {
    expect(ids("06 39 21")).toEqual(["b"]);
    expect(ids("063921")).toEqual(["b"]);
    expect(ids("+33 7 12")).toEqual(["c"]);
  });

  it("narrows a name with part of the phone number", () => {
    expect(ids("Omar 3921")).toEqual(["b"]);
    expect(ids("Awa 3921")).toEqual([]);
  });

  it("ignores case and accents, in names and places", () => {
    expect(ids("YASMINE")).toEqual(["a"]);
    expect(ids("duchere")).toEqual(["b"]);
    expect(ids("guillotière")).toEqual(["c"]);
  });

  it("lists everyone for an empty query, and no one for two digits", () => {
    expect(ids("  ")).toEqual(["a", "b", "c"]);
    expect(ids("39")).toEqual([]);
  });
});

describe("sorting contacts by name", () => {
  it("ignores case and accents, and orders names that fold alike the same way on every phone", () => {
    const names = ["fatou Bah", "Élodie Martin", "Edouard Petit", "Zeynep Kaya", "Awa Diallo", "elodie Martin", "حواء"];
    const sorted = sortByName(names.map((n, i) => contact(String(i), n))).map((e) => e.summary.name);
    expect(sorted).toEqual(["Awa Diallo", "Edouard Petit", "elodie Martin", "Élodie Martin", "fatou Bah", "Zeynep Kaya", "حواء"]);
  });
});

describe("preparing search keys while the phone is idle", () => {
  it("prepares every contact in slices, then says so, and the search finds the same people", async () => {
    const many = Array.from({ length: 1_200 }, (_, i) => contact(`m${i}`, `Personne ${i}`, `06 ${String(i).padStart(4, "0")} 99 99`, i % 2 ? "Mermoz" : "La Duchère"));
    await new Promise<void>((resolve) => prepareSearchWhenIdle(many, resolve));
    expect(searchContacts(many, "duchere").length).toBe(600);
    expect(searchContacts(many, "personne mermoz").length).toBe(600);
    expect(searchContacts(many, "0042 99").map((e) => e.id)).toEqual(["m42"]);
  });

  it("stops when told to", async () => {
    let stoppedOneFinished = false;
    const stop = prepareSearchWhenIdle([contact("x", "Zara Ba")], () => (stoppedOneFinished = true));
    stop();
    // Slices run in order: once a later preparation is done, the stopped one would have finished too.
    await new Promise<void>((resolve) => prepareSearchWhenIdle([contact("y", "Yao Koffi")], resolve));
    expect(stoppedOneFinished).toBe(false);
  });
});
