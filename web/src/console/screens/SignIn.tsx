/** The console's sign-in: supervisors and administrators; an agent is sent to the phone app. */
import { useState } from "preact/hooks";
import { ApiFailure, FailureKind, type ConsoleApi } from "../api";
import { useText } from "../i18n";
import type { SignedIn } from "../types";
import { LanguageChoice } from "../components/LanguageChoice";
import type { Language } from "../../i18n";

export function SignIn({
  api,
  onSignedIn,
  onLanguage,
}: {
  readonly api: ConsoleApi;
  readonly onSignedIn: (session: SignedIn) => void;
  readonly onLanguage: (lang: Language) => void;
}) {
  const { c } = useText();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      onSignedIn(await api.signIn(username.trim(), password));
    } catch (err) {
      setPassword("");
      if (!(err instanceof ApiFailure)) setError(c("signin.failed", { message: String(err) }));
      else if (err.kind === FailureKind.SignedOut) setError(c("signin.wrong"));
      else if (err.kind === FailureKind.Forbidden) setError(c("signin.agent"));
      else if (err.kind === FailureKind.RateLimited) setError(c("signin.rateLimited"));
      else if (err.kind === FailureKind.Network) setError(c("console.network"));
      else setError(c("signin.failed", { message: err.message || err.code }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <LanguageChoice onPick={onLanguage} />
      <img class="gate__logo" src="/icons/icon-192.png" alt="" width={72} height={72} />
      <h1>{c("signin.title")}</h1>
      <p>{c("signin.intro")}</p>
      <form class="form" onSubmit={(e) => void submit(e)}>
        <label class="console-field">
          <span>{c("signin.username")}</span>
          <input type="text" name="username" dir="ltr" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label class="console-field">
          <span>{c("signin.password")}</span>
          <input
            type="password"
            name="password"
            dir="ltr"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error ? (
          <p class="form__error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button button--primary" disabled={busy || username.trim() === "" || password === ""}>
          {busy ? c("signin.working") : c("signin.submit")}
        </button>
      </form>
      <p class="signin__phone">
        <a href="/">{c("signin.phoneApp")}</a>
      </p>
    </main>
  );
}
