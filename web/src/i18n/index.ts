/** The translation tables and the formatting of dates and numbers per language. */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { ar } from "./ar";
import { en } from "./en";
import { fr, type MessageKey } from "./fr";

export type { MessageKey };

export const Language = { French: "fr", Arabic: "ar", English: "en" } as const;
export type Language = (typeof Language)[keyof typeof Language];
export const LANGUAGES: readonly Language[] = [Language.French, Language.Arabic, Language.English];
/** Each language's name in itself, for the language picker. */
export const LANGUAGE_NAMES: Record<Language, string> = { fr: "Français", ar: "العربية", en: "English" };

const TABLES: Record<Language, Record<string, string>> = { fr, ar, en };

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

export type Params = Record<string, string | number>;

export interface Translator {
  readonly lang: Language;
  readonly dir: "ltr" | "rtl";
  t(key: MessageKey, params?: Params): string;
  /** A message with plural forms `key.zero|one|two|few|many|other`, chosen for `count`. */
  plural(key: string, count: number, params?: Params): string;
  number(n: number): string;
  date(iso: string): string;
  dateTime(iso: string): string;
  /** The time alone when `iso` is today, else the date and time. */
  recent(iso: string): string;
  region(code: string): string;
  language(code: string): string;
}

/** Made on first use: building Intl formatters costs a slow phone tens of milliseconds each. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

export function makeTranslator(lang: Language): Translator {
  const table = TABLES[lang];
  const numbers = lazy(() => new Intl.NumberFormat(lang));
  const dates = lazy(() => new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", year: "numeric" }));
  const dateTimes = lazy(() => new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }));
  const times = lazy(() => new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" }));
  const plurals = lazy(() => new Intl.PluralRules(lang));
  const regions = lazy(() => new Intl.DisplayNames([lang], { type: "region", fallback: "code" }));
  const languages = lazy(() => new Intl.DisplayNames([lang], { type: "language", fallback: "code" }));
  const fill = (text: string, params?: Params): string =>
    params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? format(params[name]) : m)) : text;
  const format = (value: string | number | undefined): string => (typeof value === "number" ? numbers().format(value) : (value ?? ""));
  return {
    lang,
    dir: lang === Language.Arabic ? "rtl" : "ltr",
    t: (key, params) => fill(table[key] ?? fr[key], params),
    plural: (key, count, params) => {
      const all = { count, ...params };
      const exact = count === 0 ? table[`${key}.zero`] : undefined;
      const text = exact ?? table[`${key}.${plurals().select(count)}`] ?? table[`${key}.other`] ?? key;
      return fill(text, all);
    },
    number: (n) => numbers().format(n),
    date: (iso) => {
      const d = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00`) : new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : dates().format(d);
    },
    dateTime: (iso) => {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : dateTimes().format(d);
    },
    recent: (iso) => {
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) return iso;
      return d.toDateString() === new Date().toDateString() ? times().format(d) : dateTimes().format(d);
    },
    region: (code) => {
      try {
        return regions().of(code) ?? code;
      } catch {
        return code;
      }
    },
    language: (code) => {
      try {
        return languages().of(code) ?? code;
      } catch {
        return code;
      }
    },
  };
}

export const I18nContext = createContext<Translator>(makeTranslator(Language.French));

export function useI18n(): Translator {
  return useContext(I18nContext);
}
