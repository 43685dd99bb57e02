import { useEffect, useState } from "preact/hooks";
import { useI18n } from "../../i18n";
import { useController, useControllerState, useFlash, useSession } from "../hooks";
import { Screen } from "../components/Screen";
import { Dialog } from "../components/Dialog";
import { TextInput } from "../components/Field";
import { LanguagePicker } from "./EnrolScreen";
import { PIN_PATTERN } from "./PinScreens";
import { clearDrafts } from "../hooks";

export function SettingsScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const controller = useControllerState();
  const session = useSession();
  const [confirming, setConfirming] = useState(false);
  const [persisted, setPersisted] = useState<boolean | null>(null);
  useEffect(() => {
    void navigator.storage?.persisted?.().then(setPersisted);
  }, []);
  const pending = controller.status.pending;
  const { account } = session;
  const [flash, setFlash] = useFlash();

  return (
    <Screen title={t("settings.title")} flash={flash}>
      <section class="card">
        <h2>{t("settings.language")}</h2>
        <LanguagePicker current={i18n.lang} onPick={(l) => void controller.setLanguage(l)} />
      </section>
      <section class="card">
        <h2>{t("settings.account")}</h2>
        <p>{t("settings.signedInAs", { name: account.displayName, username: account.username })}</p>
        <p class="muted">
          {t("settings.device", { id: account.deviceId.slice(0, 8) })}
        </p>
        <div class="actions actions--column">
          <button type="button" class="button" onClick={() => controller.lock()} data-testid="lock">
            {t("settings.lock")}
          </button>
          <ChangePin onChanged={() => setFlash(t("pin.changed"))} />
          <button type="button" class="button button--danger" onClick={() => setConfirming(true)} data-testid="logout">
            {t("settings.logout")}
          </button>
        </div>
      </section>
      <section class="card">
        <h2>{t("settings.storage")}</h2>
        {persisted !== null ? <p>{persisted ? t("settings.persisted") : t("settings.notPersisted")}</p> : null}
        <p class="muted">{t("settings.version", { version: __APP_VERSION__ })}</p>
      </section>
      {confirming ? (
        <Dialog title={t("settings.logoutConfirmTitle")} onClose={() => setConfirming(false)}>
          {pending > 0 ? (
            <p class="warning" data-testid="logout-pending">
              {i18n.plural("settings.logoutPending", pending)}
            </p>
          ) : (
            <p>{t("settings.logoutSafe")}</p>
          )}
          <div class="actions actions--column">
            {pending > 0 ? (
              <button type="button" class="button button--primary" onClick={() => { setConfirming(false); controller.syncNow(); }}>
                {t("settings.logoutSyncFirst")}
              </button>
            ) : null}
            <button type="button" class="button" onClick={() => setConfirming(false)}>
              {t("common.cancel")}
            </button>
            <button
              type="button"
              class="button button--danger"
              data-testid="logout-confirm"
              onClick={() => {
                clearDrafts();
                void controller.wipe();
              }}
            >
              {pending > 0 ? t("settings.logoutConfirm") : t("settings.logoutConfirmSafe")}
            </button>
          </div>
        </Dialog>
      ) : null}
    </Screen>
  );
}

/** Current PIN, new PIN twice; everything local is then sealed again under the new key. */
function ChangePin({ onChanged }: { readonly onChanged: () => void }) {
  const { t } = useI18n();
  const controller = useController();
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const close = (): void => {
    setOpen(false);
    setCurrent("");
    setNext("");
    setConfirm("");
    setError("");
  };

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!PIN_PATTERN.test(next)) return setError(t("pin.tooShort"));
    if (next !== confirm) return setError(t("pin.mismatch"));
    setBusy(true);
    setError("");
    try {
      if (await controller.changePin(current, next)) {
        close();
        onChanged();
      } else {
        setCurrent("");
        setError(t("pin.wrongCurrent"));
      }
    } catch {
      setError(t("error.storage"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="change-pin">
      {open ? (
        <form class="form change-pin" onSubmit={(e) => void submit(e)}>
          <h3>{t("pin.changeTitle")}</h3>
          <TextInput label={t("pin.current")} name="current-pin" type="password" inputMode="numeric" autoComplete="current-password" value={current} onInput={setCurrent} dir="ltr" />
          <TextInput label={t("pin.new")} name="new-pin" type="password" inputMode="numeric" autoComplete="new-password" value={next} onInput={setNext} dir="ltr" />
          <TextInput label={t("pin.confirm")} name="new-pin-confirm" type="password" inputMode="numeric" autoComplete="new-password" value={confirm} onInput={setConfirm} dir="ltr" />
          {error ? (
            <p class="form__error" role="alert">
              {error}
            </p>
          ) : null}
          <div class="actions actions--column">
            <button type="submit" class="button button--primary" disabled={busy || current === ""}>
              {busy ? t("pin.changing") : t("pin.changeSave")}
            </button>
            <button type="button" class="button" disabled={busy} onClick={close}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" class="button" onClick={() => setOpen(true)}>
          {t("pin.change")}
        </button>
      )}
    </div>
  );
}
