/** Showing a projected value whatever its shape: text, number, list, set of keys or map. */
import type { ConsoleText } from "../i18n";
import type { FieldValue } from "../types";

/** `birthYear` → `birth_year`, the spelling of the shared field labels. */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
}

export function fieldLabel(t: ConsoleText, field: string): string {
  // A path into a map or list (`languages.ff`, `consent.given`): its root's label, then the rest.
  const [root = field, ...rest] = field.split(".");
  const key = snakeCase(root);
  const label = t.label("field", key);
  const named = label === key ? root : label;
  // Ids in a path (an attendance mark's contact) are shortened: the record's label says whose it is.
  const tail = rest.map((part) => (/^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(part) ? part.slice(0, 8) : part)).join(".");
  return rest.length > 0 ? `${named} · ${tail}` : named;
}

export function showValue(t: ConsoleText, value: FieldValue | unknown): string {
  if (value === null || value === undefined || value === "") return t.c("console.none");
  if (typeof value === "boolean") return value ? t.c("console.yes") : t.c("console.no");
  if (typeof value === "number") return t.number(value);
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return t.list(value.map((v) => showValue(t, v)));
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    // Sets are maps of key → true.
    if (entries.every(([, v]) => v === true)) return t.list(entries.map(([k]) => k));
    return entries.map(([k, v]) => `${k}: ${showValue(t, v)}`).join(" · ");
  }
  return String(value);
}

/** A field's value as a person reads it: vocabulary labels, country and language names, dates. */
export function fieldValue(t: ConsoleText, key: string, value: FieldValue): string {
  const field = snakeCase(key);
  // A session's mark, `attendance.<contact id>`: present, absent or excused.
  if (field.startsWith("attendance.") && typeof value === "string") return t.label("session", value);
  if (typeof value === "string") {
    if (field === "nationality") return t.region(value);
    if (field === "status" || field === "sex" || field === "stage" || field === "education") return t.label(field, value);
    if (field === "age_band") return t.label("age", value);
    if (field === "kind") return t.label("sessionKind", value);
    if (/_at$/.test(field)) return t.dateTime(value);
  }
  if (typeof value === "number" && /year$/.test(field)) return String(value);
  if (field === "consent_scope" && value && typeof value === "object") {
    const codes = Array.isArray(value) ? value.map(String) : Object.keys(value);
    return t.list(codes.map((code) => t.label("scope", code))) || t.c("console.none");
  }
  if (field === "interests" && value && typeof value === "object") {
    const codes = Array.isArray(value) ? value.map(String) : Object.keys(value);
    return t.list(codes.map((code) => t.label("interest", code))) || t.c("console.none");
  }
  if (field === "languages" && value && typeof value === "object") {
    const codes = Array.isArray(value) ? value.map(String) : Object.keys(value);
    return t.list(codes.map((code) => t.language(code))) || t.c("console.none");
  }
  return showValue(t, value);
}
