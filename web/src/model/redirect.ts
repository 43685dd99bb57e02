/**
 * Contacts a supervisor merged into another: the merged record stays on the
 * phone as a redirect (`merged_into` names the contact that survives). It is
 * left out of the lists, and opening it shows the survivor.
 */
import type { ContactSummary, IndexEntry } from "../store/types";
import { readStr } from "./common";
import type { ContactDoc } from "./contact";

/** The contact `doc` was merged into, or `null` when it stands on its own. */
export function mergedInto(doc: ContactDoc): string | null {
  const target = readStr(doc.merged_into);
  return target === "" ? null : target;
}

/** The contacts to list: every contact entry that is not a redirect. */
export function listedContacts(entries: readonly IndexEntry[]): (IndexEntry & { summary: ContactSummary })[] {
  return entries.filter((e): e is IndexEntry & { summary: ContactSummary } => e.summary.kind === "contact" && !e.summary.mergedInto);
}
