import { useEffect, useMemo } from "preact/hooks";
import { useRegisterSW } from "virtual:pwa-register/preact";
import { Phase, type AppController } from "../app/controller";
import { I18nContext, makeTranslator, useI18n } from "../i18n";
import { ControllerContext, usePhaseState } from "./hooks";
import { useRoute, type Route } from "./router";
import { StatusBar } from "./components/StatusBar";
import { BottomNav } from "./components/BottomNav";
import { EnrolScreen } from "./screens/EnrolScreen";
import { PinSetupScreen, UnlockScreen } from "./screens/PinScreens";
import { ContactsScreen } from "./screens/ContactsScreen";
import { ContactFormScreen } from "./screens/ContactFormScreen";
import { ContactDetailScreen } from "./screens/ContactDetailScreen";
import { SessionsScreen } from "./screens/SessionsScreen";
import { SessionFormScreen } from "./screens/SessionFormScreen";
import { RollCallScreen } from "./screens/RollCallScreen";
import { VisitsScreen } from "./screens/VisitsScreen";
import { VisitFormScreen } from "./screens/VisitFormScreen";
import { SettingsScreen } from "./screens/SettingsScreen";

export function App({ controller }: { readonly controller: AppController }) {
  return (
    <ControllerContext.Provider value={controller}>
      <Localised />
    </ControllerContext.Provider>
  );
}

function Localised() {
  // Not at every sync status change: the status bar subscribes to those itself.
  const controller = usePhaseState();
  const translator = useMemo(() => makeTranslator(controller.language), [controller.language]);
  useEffect(() => {
    document.documentElement.lang = translator.lang;
    document.documentElement.dir = translator.dir;
    document.title = translator.t("app.name");
  }, [translator]);
  return (
    <I18nContext.Provider value={translator}>
      <UpdatePrompt />
      <Phases controller={controller} />
    </I18nContext.Provider>
  );
}

function Phases({ controller }: { readonly controller: AppController }) {
  const { t } = useI18n();
  switch (controller.phase) {
    case Phase.Loading:
      return <p class="loading">{t("app.loading")}</p>;
    case Phase.Broken:
      return <p class="loading" role="alert">{t("app.storageError")}</p>;
    case Phase.Enrol:
      return (
        <>
          <EnrolScreen />
          <p class="gate">
            <a href="/console">{t("enrol.console")}</a>
          </p>
        </>
      );
    case Phase.SetPin:
      return <PinSetupScreen />;
    case Phase.Locked:
      return <UnlockScreen />;
    case Phase.Ready:
      return <Ready />;
  }
}

function Ready() {
  const route = useRoute();
  return (
    <div class="shell">
      <StatusBar />
      <RouteScreen route={route} />
      <BottomNav route={route} />
    </div>
  );
}

function RouteScreen({ route }: { readonly route: Route }) {
  switch (route.name) {
    case "contacts":
      return <ContactsScreen />;
    case "contact-new":
      return <ContactFormScreen />;
    case "contact":
      return <ContactDetailScreen key={route.id} id={route.id} />;
    case "contact-edit":
      return <ContactFormScreen key={route.id} id={route.id} />;
    case "sessions":
      return <SessionsScreen />;
    case "session-new":
      return <SessionFormScreen />;
    case "session":
      return <RollCallScreen key={route.id} id={route.id} />;
    case "session-edit":
      return <SessionFormScreen key={route.id} id={route.id} />;
    case "visits":
      return <VisitsScreen />;
    case "visit-new":
      return <VisitFormScreen />;
    case "visit":
      return <VisitFormScreen key={route.id} id={route.id} />;
    case "settings":
      return <SettingsScreen />;
  }
}

/** A new version waits until the agent chooses to reload: never over a half-filled form. */
function UpdatePrompt() {
  const { t } = useI18n();
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({ immediate: true });
  if (!needRefresh) return null;
  return (
    <div class="update" role="status">
      <span>{t("app.update")}</span>
      <button type="button" onClick={() => void updateServiceWorker(true)}>
        {t("app.updateNow")}
      </button>
      <button type="button" class="button--quiet" onClick={() => setNeedRefresh(false)}>
        {t("app.updateLater")}
      </button>
    </div>
  );
}
