/** The three languages, each named in itself. */
import { LANGUAGES, LANGUAGE_NAMES, type Language } from "../../i18n";
import { useText } from "../i18n";

export function LanguageChoice({ onPick }: { readonly onPick: (lang: Language) => void }) {
  const { lang, c } = useText();
  return (
    <div class="langs" role="group" aria-label={c("console.lang")}>
      {LANGUAGES.map((l) => (
        <button type="button" key={l} lang={l} class={`chip${l === lang ? " chip--on" : ""}`} aria-pressed={l === lang ? "true" : "false"} onClick={() => onPick(l)}>
          {LANGUAGE_NAMES[l]}
        </button>
      ))}
    </div>
  );
}
