/**
 * Reading and writing the Automerge values of docs/records.md: `str` is an
 * ImmutableString (a name or date is replaced whole and concurrent edits
 * conflict visibly), `text` is collaborative Text, `set` is a map of
 * key → true.
 */
import { A } from "../automerge";
import type { RecordType } from "./vocabulary";

export const SCHEMA_VERSION = 1;

/** Who writes on this phone. */
export interface Author {
  readonly userId: string;
  readonly agencyId: string;
}

export type Str = A.ImmutableString;
export type SetMap = Record<string, boolean>;

export interface CommonDoc {
  type: Str;
  schema: number;
  id: Str;
  agency_id: Str;
  created_by: Str;
  created_at: Str;
}

export function str(value: string): Str {
  return new A.ImmutableString(value);
}

/** The text of a `str` or `text` value (readers accept either); "" when absent or of another type. */
export function readStr(value: unknown): string {
  if (typeof value === "string") return value;
  if (A.isImmutableString(value)) return value.val;
  return "";
}

export function readInt(value: unknown): number | null {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (A.isCounter(value)) return value.value;
  return null;
}

/** The members of a `set` (keys whose value is true). */
export function readSet(value: unknown): string[] {
  if (!value || typeof value !== "object") return [];
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v === true)
    .map(([k]) => k)
    .sort();
}

export function readEnum<T extends string>(values: Record<string, T>, value: unknown): T | null {
  const text = readStr(value);
  return (Object.values(values) as string[]).includes(text) ? (text as T) : null;
}

export function nowIso(): string {
  return new Date().toISOString();
}

export function todayIso(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export function commonFields(type: RecordType, id: string, author: Author, at: string): CommonDoc {
  return {
    type: str(type),
    schema: SCHEMA_VERSION,
    id: str(id),
    agency_id: str(author.agencyId),
    created_by: str(author.userId),
    created_at: str(at),
  };
}

/** Sets a root or nested `str` key, deleting it when the value is empty; writes only on change. */
export function putStr(target: Record<string, unknown>, key: string, value: string | null | undefined): void {
  const next = (value ?? "").trim();
  if (readStr(target[key]) === next && (next !== "" || target[key] === undefined)) return;
  if (next === "") delete target[key];
  else target[key] = str(next);
}

/** Makes a `text` key read `value`, editing an existing Text object so concurrent edits elsewhere in it are kept. */
export function putText(doc: Record<string, unknown>, key: string, value: string): void {
  const current = doc[key];
  if (typeof current === "string") {
    if (current !== value) A.updateText(doc as A.Doc<unknown>, [key], value);
    return;
  }
  if (value === "" && current === undefined) return;
  doc[key] = value;
}

/** Makes a `set` hold exactly `members`, touching only the keys that change. */
export function putSet(parent: Record<string, unknown>, key: string, members: readonly string[]): void {
  let set = parent[key] as SetMap | undefined;
  if (!set || typeof set !== "object") {
    parent[key] = {};
    set = parent[key] as SetMap;
  }
  const wanted = new Set(members);
  for (const existing of Object.keys(set)) if (!wanted.has(existing)) delete set[existing];
  for (const member of wanted) if (set[member] !== true) set[member] = true;
}

/** The distinct losing values of a conflicted key (the winner is the current value). */
export function losingValues(doc: unknown, key: string): string[] {
  const conflicts = A.getConflicts(doc as A.Doc<unknown>, key);
  if (!conflicts) return [];
  const current = readValueText((doc as Record<string, unknown>)[key]);
  const values = new Set<string>();
  for (const value of Object.values(conflicts)) {
    const text = readValueText(value);
    if (text !== current) values.add(text);
  }
  return [...values];
}

function readValueText(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return readStr(value);
}
