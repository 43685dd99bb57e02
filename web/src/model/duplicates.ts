/**
 * Probable duplicates among local contacts: the same phone number, or a
 * similar name with the same birth year and nationality.
 */
import type { ContactSummary, IndexEntry } from "../store/types";
import { phoneKey } from "./contact";

/** Lowercase, without accents or punctuation, words sorted (so "Diallo Amina" matches "Amina Diallo"). */
export function normaliseName(name: string): string {
  return name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .split(" ")
    .filter((w) => w !== "")
    .sort()
    .join(" ");
}

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

export function similarNames(a: string, b: string): boolean {
  const x = normaliseName(a);
  const y = normaliseName(b);
  if (x === "" || y === "") return false;
  if (x === y) return true;
  const allowed = Math.max(x.length, y.length) <= 8 ? 1 : 2;
  return editDistance(x, y) <= allowed;
}

export interface Candidate {
  readonly name: string;
  readonly phone: string;
  readonly birthYear: number | null;
  readonly nationality: string;
}

export const DuplicateReason = { SamePhone: "same_phone", SimilarName: "similar_name" } as const;
export type DuplicateReason = (typeof DuplicateReason)[keyof typeof DuplicateReason];

export interface Duplicate {
  readonly id: string;
  readonly summary: ContactSummary;
  readonly reason: DuplicateReason;
}

export function findDuplicates(candidate: Candidate, entries: Iterable<IndexEntry>, excludeId?: string): Duplicate[] {
  const phone = candidate.phone.trim() === "" ? "" : phoneKey(candidate.phone);
  const out: Duplicate[] = [];
  for (const entry of entries) {
    if (entry.id === excludeId || entry.summary.kind !== "contact") continue;
    const s = entry.summary;
    if (phone.length >= 6 && s.phoneDigits === phone) {
      out.push({ id: entry.id, summary: s, reason: DuplicateReason.SamePhone });
    } else if (
      candidate.birthYear !== null &&
      s.birthYear === candidate.birthYear &&
      candidate.nationality !== "" &&
      s.nationality === candidate.nationality &&
      similarNames(candidate.name, s.name)
    ) {
      out.push({ id: entry.id, summary: s, reason: DuplicateReason.SimilarName });
    }
  }
  return out;
}
