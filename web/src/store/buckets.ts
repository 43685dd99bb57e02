/**
 * How the local index is laid out on disk: its entries are spread over
 * {@link BUCKETS} buckets by a hash of their id, each bucket one sealed JSON
 * array, so a save rewrites one bucket (about 80 entries at 5,000 contacts)
 * and never the whole index.
 *
 * A bucket is rebuilt from the ids it holds (kept by the vault, so a save
 * never scans every entry) and each entry's JSON text, computed once per
 * entry object: entries are immutable, a change makes a new object.
 */
import type { IndexEntry } from "./types";

/** Fixed: an entry's bucket is part of the stored layout. */
export const BUCKETS = 64;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function bucketOf(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return `b${(h % BUCKETS).toString().padStart(2, "0")}`;
}

const jsonText = new WeakMap<IndexEntry, string>();

function entryJson(entry: IndexEntry): string {
  let text = jsonText.get(entry);
  if (text === undefined) {
    text = JSON.stringify(entry);
    jsonText.set(entry, text);
  }
  return text;
}

/** The plain bytes of a bucket holding `ids`, each as `entryOf` gives it (ids it has not are left out). */
export function encodeBucket(ids: Iterable<string>, entryOf: (id: string) => IndexEntry | undefined): Uint8Array {
  const parts: string[] = [];
  for (const id of ids) {
    const entry = entryOf(id);
    if (entry) parts.push(entryJson(entry));
  }
  return encoder.encode(`[${parts.join(",")}]`);
}

/** The entries of a bucket's plain bytes. */
export function decodeBucket(bytes: Uint8Array): IndexEntry[] {
  return JSON.parse(decoder.decode(bytes)) as IndexEntry[];
}
