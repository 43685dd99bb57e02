import { useEffect, useState } from "preact/hooks";
import { useI18n } from "../../i18n";
import { useControllerState, useSession } from "../hooks";
import { Screen } from "../components/Screen";
import { Dialog } from "../components/Dialog";
import { LanguagePicker } from "./EnrolScreen";
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

  return (
    <Screen title={t("settings.title")}>
      <section class="card">
        <h2>{t("settings.language")}</h2>
        <LanguagePicker current={i18n.lang} onPick={(l) => void controller.setLanguage(l)} />
      </section>
      <section class="card">
        <h2>{t("settings.account")}</h2>
        <p>{t("settings.signedInAs", { name: account.displayName, username: account.username })}</p>
        <p class="muted" dir="ltr">
          {t("settings.device", { id: account.deviceId.slice(0, 8) })}
        </p>
        <div class="actions actions--column">
          <button type="button" class="button" onClick={() => controller.lock()} data-testid="lock">
            {t("settings.lock")}
          </button>
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
