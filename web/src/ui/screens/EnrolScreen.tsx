import { useState } from "preact/hooks";
import { EnrolError, EnrolFailure } from "../../app/controller";
import { useI18n, LANGUAGES, LANGUAGE_NAMES } from "../../i18n";
import { useController } from "../hooks";
import { TextInput } from "../components/Field";

export function EnrolScreen() {
  const controller = useController();
  const { t, lang } = useI18n();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await controller.enrol(username.trim(), password);
    } catch (err) {
      if (err instanceof EnrolError) {
        setError(
          err.failure === EnrolFailure.Wrong
            ? t("enrol.wrong")
            : err.failure === EnrolFailure.Offline
              ? t("enrol.offline")
              : err.failure === EnrolFailure.RateLimited
                ? t("enrol.rateLimited")
                : t("enrol.failed", { message: err.message }),
        );
      } else {
        setError(t("enrol.failed", { message: String(err) }));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="gate">
      <LanguagePicker current={lang} onPick={(l) => void controller.setLanguage(l)} />
      <img class="gate__logo" src="/icons/icon-192.png" alt="" width={72} height={72} />
      <h1>{t("enrol.title")}</h1>
      <p>{t("enrol.intro")}</p>
      <form onSubmit={(e) => void submit(e)} class="form">
        <TextInput label={t("enrol.username")} name="username" value={username} onInput={setUsername} autoComplete="username" dir="ltr" />
        <TextInput label={t("enrol.password")} name="password" type="password" value={password} onInput={setPassword} autoComplete="current-password" dir="ltr" />
        {error ? (
          <p class="form__error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button button--primary" disabled={busy || username.trim() === "" || password === ""}>
          {busy ? t("enrol.working") : t("enrol.submit")}
        </button>
      </form>
    </main>
  );
}

export function LanguagePicker({ current, onPick }: { readonly current: string; readonly onPick: (lang: (typeof LANGUAGES)[number]) => void }) {
  return (
    <div class="langs" role="group">
      {LANGUAGES.map((l) => (
        <button type="button" key={l} lang={l} class={`chip${l === current ? " chip--on" : ""}`} aria-pressed={l === current ? "true" : "false"} onClick={() => onPick(l)}>
          {LANGUAGE_NAMES[l]}
        </button>
      ))}
    </div>
  );
}
