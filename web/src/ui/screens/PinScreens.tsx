import { useEffect, useState } from "preact/hooks";
import { useI18n } from "../../i18n";
import { useController } from "../hooks";
import { TextInput } from "../components/Field";
import { Dialog } from "../components/Dialog";
import { LanguagePicker } from "./EnrolScreen";

/** 4 to 8 digits: typed with one thumb, hard enough to guess with PBKDF2 in front of it. */
export const PIN_PATTERN = /^\d{4,8}$/;

export function PinSetupScreen() {
  const controller = useController();
  const { t } = useI18n();
  const [pin, setPin] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!PIN_PATTERN.test(pin)) return setError(t("pin.tooShort"));
    if (pin !== confirm) return setError(t("pin.mismatch"));
    setBusy(true);
    try {
      await controller.setPin(pin);
    } catch {
      setError(t("error.storage"));
      setBusy(false);
    }
  };

  return (
    <main class="gate">
      <h1>{t("pin.setTitle")}</h1>
      <p>{t("pin.setIntro")}</p>
      <form onSubmit={(e) => void submit(e)} class="form">
        <TextInput label={t("pin.pin")} name="pin" type="password" inputMode="numeric" autoComplete="new-password" value={pin} onInput={setPin} dir="ltr" />
        <TextInput label={t("pin.confirm")} name="pin-confirm" type="password" inputMode="numeric" autoComplete="new-password" value={confirm} onInput={setConfirm} dir="ltr" />
        {error ? (
          <p class="form__error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? t("pin.checking") : t("pin.save")}
        </button>
      </form>
    </main>
  );
}

export function UnlockScreen() {
  const controller = useController();
  const i18n = useI18n();
  const { t, lang } = i18n;
  // Once this screen is drawn, while the PIN is typed: build the time
  // formatter the status bar needs first (over 100 ms on a slow phone).
  useEffect(() => {
    const warm = (): void => void i18n.recent(new Date().toISOString());
    if (typeof requestIdleCallback === "function") {
      const id = requestIdleCallback(warm, { timeout: 2_000 });
      return () => cancelIdleCallback(id);
    }
    const timer = setTimeout(warm, 200);
    return () => clearTimeout(timer);
  }, [i18n]);
  const [pin, setPin] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [forgot, setForgot] = useState(false);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      const ok = await controller.unlock(pin);
      if (!ok) {
        setError(t("pin.wrong"));
        setPin("");
      }
    } catch {
      setError(t("app.storageError"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="gate">
      <LanguagePicker current={lang} onPick={(l) => void controller.setLanguage(l)} />
      <img class="gate__logo" src="/icons/icon-192.png" alt="" width={72} height={72} />
      <h1>{t("pin.unlockTitle")}</h1>
      {controller.lastUser ? <p>{t("pin.unlockIntro", { name: controller.lastUser })}</p> : null}
      <form onSubmit={(e) => void submit(e)} class="form">
        <TextInput label={t("pin.enter")} name="unlock-pin" type="password" inputMode="numeric" autoComplete="current-password" value={pin} onInput={setPin} dir="ltr" />
        {error ? (
          <p class="form__error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button button--primary" disabled={busy || pin === ""}>
          {busy ? t("pin.checking") : t("pin.unlock")}
        </button>
      </form>
      <button type="button" class="button button--quiet" onClick={() => setForgot(true)}>
        {t("pin.forgot")}
      </button>
      {forgot ? (
        <Dialog title={t("pin.forgotTitle")} onClose={() => setForgot(false)}>
          <p class="warning">{t("pin.forgotWarning")}</p>
          <div class="actions">
            <button type="button" class="button" onClick={() => setForgot(false)}>
              {t("pin.cancel")}
            </button>
            <button type="button" class="button button--danger" onClick={() => void controller.wipe()}>
              {t("pin.forgotConfirm")}
            </button>
          </div>
        </Dialog>
      ) : null}
    </main>
  );
}
