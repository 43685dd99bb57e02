import { useControllerState } from "../hooks";
import { useI18n, type MessageKey } from "../../i18n";

/** Always visible: online or not, what waits to be sent, the last sync, an error in plain words, "sync now". */
export function StatusBar() {
  const controller = useControllerState();
  const i18n = useI18n();
  const { t } = i18n;
  const s = controller.status;
  const pending = s.pending === 0 ? t("status.pending.zero") : i18n.plural("status.pending", s.pending);
  return (
    <section class={`status${s.online ? "" : " status--offline"}`} aria-label={t("status.syncNow")} data-testid="status">
      <div class="status__row">
        <span class="status__dot" aria-hidden="true" />
        <span class="status__online" data-testid="status-online">
          {s.online ? t("status.online") : t("status.offline")}
        </span>
        <span aria-hidden="true">·</span>
        <span class="status__pending" data-testid="status-pending" data-count={s.pending}>
          {pending}
        </span>
      </div>
      <span class="status__last" data-testid="status-last">
        {s.lastSyncAt ? t("status.lastSync", { when: i18n.recent(s.lastSyncAt) }) : t("status.neverSynced")}
      </span>
      <button type="button" class="status__sync" onClick={() => controller.syncNow()} disabled={s.syncing} data-testid="sync-now">
        {s.syncing ? t("status.syncing") : t("status.syncNow")}
      </button>
      {s.error ? (
        <p class="status__error" role="alert" data-testid="status-error">
          {t(`error.${s.error}` as MessageKey)}
        </p>
      ) : null}
    </section>
  );
}
