/**
 * The console's messages: kept apart from the agents' tables so that the
 * phones' first load does not carry them. Numbers and dates use the shared
 * translator's formatters; vocabulary labels (stages, statuses…) come from
 * the shared tables too.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { makeTranslator, type Language, type MessageKey, type Params, type Translator } from "../../i18n";
import { ar } from "./ar";
import { en } from "./en";
import { fr, type ConsoleKey } from "./fr";

export type { ConsoleKey };

const TABLES: Record<Language, Record<ConsoleKey, string>> = { fr, ar, en };

export interface ConsoleText extends Translator {
  /** A console message. */
  c(key: ConsoleKey, params?: Params): string;
  /** A label from the console's table or the shared ones (`stage.registered`), or the code itself. */
  label(prefix: string, code: string | null | undefined): string;
  percent(share: number): string;
  /** Items joined the language's way ("a, b" ; "a، b"). */
  list(items: readonly string[]): string;
}

export function makeConsoleText(lang: Language): ConsoleText {
  const base = makeTranslator(lang);
  const table = TABLES[lang];
  const percents = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 });
  // Intl.ListFormat adds "et" / "و" even in its unit style: a plain separator reads better in a cell.
  const separator = lang === "ar" ? "، " : ", ";
  const fill = (text: string, params?: Params): string =>
    params
      ? text.replace(/\{(\w+)\}/g, (m, name: string) => {
          const value = params[name];
          return value === undefined ? m : typeof value === "number" ? base.number(value) : value;
        })
      : text;
  const known = (key: string): boolean => {
    const probe = base.t(key as MessageKey);
    return typeof probe === "string";
  };
  return {
    ...base,
    c: (key, params) => fill(table[key] ?? fr[key], params),
    label: (prefix, code) => {
      if (code === null || code === undefined || code === "") return table["console.none"];
      const key = `${prefix}.${code}`;
      const own = (table as Record<string, string>)[key];
      if (own !== undefined) return own;
      return known(key) ? base.t(key as MessageKey) : code;
    },
    percent: (share) => percents.format(Number.isFinite(share) ? share : 0),
    list: (items) => items.join(separator),
  };
}

export const ConsoleTextContext = createContext<ConsoleText>(makeConsoleText("fr"));

export function useText(): ConsoleText {
  return useContext(ConsoleTextContext);
}
