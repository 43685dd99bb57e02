/** Instant search over the local index: name, phone or neighbourhood, accents and case ignored. */
import type { ContactSummary, IndexEntry } from "../store/types";

export function fold(text: string): string {
  // Most names are plain ASCII: lowercasing is all they need, and it is far cheaper.
  if (/^[\x20-\x7e]*$/.test(text)) return text.toLowerCase();
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

type ContactEntry = IndexEntry & { summary: ContactSummary };

interface Keys {
  /** Name, neighbourhood and city, folded. */
  readonly text: string;
  /** The phone's digits as written (a leading 0 kept, so "0612" finds "06 12 …"). */
  readonly digits: string;
}

const keys = new WeakMap<ContactSummary, Keys>();

function searchKeys(s: ContactSummary): Keys {
  let k = keys.get(s);
  if (k === undefined) {
    k = { text: fold([s.name, s.neighbourhood, s.city].join(" ")), digits: s.phone.replace(/[^0-9]/g, "") };
    keys.set(s, k);
  }
  return k;
}

/** A query that is a phone number being typed, however it is spaced: "06 12 3", "+33 6", "06.12". */
const PHONE_LIKE = /^[0-9\s+().-]+$/;
const NUMBER_WORD = /^[0-9]{3,}$/;

/**
 * Contacts matching every word of `query`. A word matches the name,
 * neighbourhood or city; a word of three digits or more may also match the
 * phone; a query that is only a phone number matches its digits across the
 * spaces. Digits inside a word ("k3j9x") are part of that word: they never
 * turn a name search into a phone search.
 */
export function searchContacts<E extends ContactEntry>(contacts: readonly E[], query: string): E[] {
  const words = fold(query).split(/\s+/).filter((w) => w !== "");
  if (words.length === 0) return [...contacts];
  const whole = PHONE_LIKE.test(query.trim()) ? query.replace(/[^0-9]/g, "") : "";
  const number = whole.length >= 3 ? whole : "";
  const numeric = words.map((w) => NUMBER_WORD.test(w));
  const out: E[] = [];
  for (const e of contacts) {
    const k = searchKeys(e.summary);
    if ((number !== "" && k.digits.includes(number)) || everyWordMatches(k, words, numeric)) out.push(e);
  }
  return out;
}

function everyWordMatches(k: Keys, words: readonly string[], numeric: readonly boolean[]): boolean {
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (!k.text.includes(w) && !(numeric[i] && k.digits.includes(w))) return false;
  }
  return true;
}

/** Contacts prepared per slice where the browser cannot say how long it will stay idle. */
const PREPARE_SLICE = 250;

/**
 * Computes the search keys of `entries` while the phone is idle, a slice at
 * a time, so that the first keystroke does not fold 5,000 names at once.
 * Keys stay with their summary, so a later index that shares them costs
 * nothing. `onPrepared` is called once every key is ready. Returns a
 * function that stops the work.
 */
export function prepareSearchWhenIdle(entries: readonly IndexEntry[], onPrepared: () => void = () => undefined): () => void {
  let next = 0;
  let cancel: (() => void) | null = null;
  const prepare = (more: () => boolean): void => {
    while (next < entries.length && more()) {
      const summary = (entries[next++] as IndexEntry).summary;
      if (summary.kind === "contact") searchKeys(summary);
    }
    if (next < entries.length) {
      schedule();
    } else {
      cancel = null;
      onPrepared();
    }
  };
  const schedule = (): void => {
    if (typeof requestIdleCallback === "function") {
      const handle = requestIdleCallback((deadline) => prepare(() => deadline.timeRemaining() > 1));
      cancel = () => cancelIdleCallback(handle);
    } else {
      const handle = setTimeout(() => {
        const end = next + PREPARE_SLICE;
        prepare(() => next < end);
      }, 0);
      cancel = () => clearTimeout(handle);
    }
  };
  schedule();
  return () => cancel?.();
}

const sortKeys = new WeakMap<ContactSummary, string>();

function sortKey(s: ContactSummary): string {
  let key = sortKeys.get(s);
  if (key === undefined) {
    key = fold(s.name);
    sortKeys.set(s, key);
  }
  return key;
}

/**
 * Sorted once when the index changes; a search keeps this order. Names
 * compare without case or accents ("Élodie" among the E's), by folded keys
 * computed once per entry: a collator's compare on 5,000 names costs a
 * cheap phone a quarter of a second at every unlock.
 */
export function sortByName<E extends ContactEntry>(contacts: E[]): E[] {
  const keyed = contacts.map((e) => ({ e, key: sortKey(e.summary) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.e.summary.name < b.e.summary.name ? -1 : a.e.summary.name > b.e.summary.name ? 1 : 0));
  for (let i = 0; i < keyed.length; i++) contacts[i] = (keyed[i] as { e: E }).e;
  return contacts;
}
