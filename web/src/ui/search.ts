/** Instant search over the local index: name, phone or neighbourhood, accents and case ignored. */
import type { ContactSummary, IndexEntry } from "../store/types";

export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

type ContactEntry = IndexEntry & { summary: ContactSummary };

const keys = new WeakMap<ContactSummary, string>();

function searchKey(s: ContactSummary): string {
  let key = keys.get(s);
  if (key === undefined) {
    key = fold([s.name, s.neighbourhood, s.city].join(" "));
    keys.set(s, key);
  }
  return key;
}

export function searchContacts<E extends ContactEntry>(contacts: readonly E[], query: string): E[] {
  const words = fold(query).split(/\s+/).filter((w) => w !== "");
  const digits = query.replace(/[^0-9]/g, "");
  const matched =
    words.length === 0
      ? [...contacts]
      : contacts.filter((e) => {
          const key = searchKey(e.summary);
          if (words.every((w) => key.includes(w))) return true;
          return digits.length >= 3 && e.summary.phone.replace(/[^0-9]/g, "").includes(digits);
        });
  return matched;
}

const collator = new Intl.Collator(undefined, { sensitivity: "base" });

/** Sorted once when the index changes; a search keeps this order. */
export function sortByName<E extends ContactEntry>(contacts: E[]): E[] {
  return contacts.sort((a, b) => collator.compare(a.summary.name, b.summary.name));
}
