/**
 * The supervisors' and administrators' console, at `/console`. It is loaded
 * as its own chunk (see main.tsx), so the agents' phones never fetch it at
 * start. The session is a cookie the server sets; the CSRF token from the
 * sign-in answer goes with every unsafe request (api.ts).
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { isLanguage, Language } from "../i18n";
import { ConsoleApi } from "./api";
import { Failure, Loading } from "./components/load";
import { Layout } from "./components/Layout";
import { ConsoleContext, type ConsoleSession } from "./context";
import { ConsoleTextContext, makeConsoleText, useText } from "./i18n";
import { goTo, useConsoleRoute, type ConsoleRoute } from "./routes";
import { Agencies } from "./screens/Agencies";
import { Conflicts } from "./screens/Conflicts";
import { ContactPage } from "./screens/ContactPage";
import { Dashboard } from "./screens/Dashboard";
import { Devices } from "./screens/Devices";
import { Duplicates } from "./screens/Duplicates";
import { ExportLog } from "./screens/ExportLog";
import { Exports } from "./screens/Exports";
import { ContactsTable, SessionsTable, VisitsTable } from "./screens/Records";
import { SessionPage } from "./screens/SessionPage";
import { SignIn } from "./screens/SignIn";
import { Users } from "./screens/Users";
import { ConsoleRole, NO_FILTERS, type Filters, type SignedIn } from "./types";

const LANGUAGE_KEY = "relais.console.language";

function savedLanguage(): Language {
  try {
    const saved = localStorage.getItem(LANGUAGE_KEY);
    if (isLanguage(saved)) return saved;
  } catch {
    // Storage refused (private mode): the browser's language decides.
  }
  const browser = navigator.language.slice(0, 2);
  return isLanguage(browser) ? browser : Language.French;
}

type Phase = { readonly name: "checking" } | { readonly name: "failed"; readonly error: unknown } | { readonly name: "signed-out" } | { readonly name: "in"; readonly session: SignedIn };

export function ConsoleApp({ api: given }: { readonly api?: ConsoleApi }) {
  // One client for the page's life: it holds the session's CSRF token.
  const [api] = useState(() => given ?? new ConsoleApi());
  const [lang, setLang] = useState<Language>(savedLanguage);
  const text = useMemo(() => makeConsoleText(lang), [lang]);
  const [phase, setPhase] = useState<Phase>({ name: "checking" });
  const [round, setRound] = useState(0);

  useEffect(() => {
    document.documentElement.lang = text.lang;
    document.documentElement.dir = text.dir;
    document.title = text.c("console.title");
  }, [text]);

  useEffect(() => {
    api.onSignedOut = () => setPhase({ name: "signed-out" });
    api.session().then(
      (session) => setPhase(session ? { name: "in", session } : { name: "signed-out" }),
      (error: unknown) => setPhase({ name: "failed", error }),
    );
  }, [api, round]);

  const chooseLanguage = (next: Language): void => {
    setLang(next);
    try {
      localStorage.setItem(LANGUAGE_KEY, next);
    } catch {
      // Not kept across visits; still applied now.
    }
  };
  const signOut = async (): Promise<void> => {
    try {
      await api.signOut();
    } finally {
      setPhase({ name: "signed-out" });
    }
  };

  return (
    <ConsoleTextContext.Provider value={text}>
      {phase.name === "checking" ? <Loading /> : null}
      {phase.name === "failed" ? <Failure error={phase.error} onRetry={() => setRound((r) => r + 1)} /> : null}
      {phase.name === "signed-out" ? <SignIn api={api} onLanguage={chooseLanguage} onSignedIn={(session) => setPhase({ name: "in", session })} /> : null}
      {phase.name === "in" ? <SignedInConsole api={api} session={phase.session} onSignOut={() => void signOut()} onLanguage={chooseLanguage} /> : null}
    </ConsoleTextContext.Provider>
  );
}

function SignedInConsole({
  api,
  session,
  onSignOut,
  onLanguage,
}: {
  readonly api: ConsoleApi;
  readonly session: SignedIn;
  readonly onSignOut: () => void;
  readonly onLanguage: (lang: Language) => void;
}) {
  const route = useConsoleRoute();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [agency, setAgency] = useState("");
  const [agents, setAgents] = useState<ReadonlyMap<string, string>>(new Map());
  const [user, setUser] = useState(session.user);
  const isAdmin = user.role === ConsoleRole.Admin;

  // Agent names for the filters and tables: everyone who created a contact, and for admins every account.
  useEffect(() => {
    let live = true;
    const names = new Map<string, string>();
    const done = (): void => {
      if (live) setAgents(new Map(names));
    };
    api.dashboard(NO_FILTERS).then((d) => {
      for (const a of d.byAgent) names.set(a.id, a.name);
      done();
    }, done);
    if (isAdmin)
      api.accounts().then((accounts) => {
        for (const a of accounts) if (a.role === "agent") names.set(a.id, a.displayName);
        done();
      }, done);
    return () => {
      live = false;
    };
  }, [api, isAdmin]);

  const context = useMemo<ConsoleSession>(() => ({ api, user, agents }), [api, user, agents]);
  // A new agency appears in an administrator's filters without signing in again.
  const refreshUser = (): void => {
    void api.session().then((s) => s && setUser(s.user));
  };
  return (
    <ConsoleContext.Provider value={context}>
      <Layout route={route} onSignOut={onSignOut} onLanguage={onLanguage}>
        <Page route={route} isAdmin={isAdmin} filters={filters} onFilters={setFilters} agency={agency} onAgency={setAgency} onAgenciesChanged={refreshUser} />
      </Layout>
    </ConsoleContext.Provider>
  );
}

function Page({
  route,
  isAdmin,
  filters,
  onFilters,
  agency,
  onAgency,
  onAgenciesChanged,
}: {
  readonly route: ConsoleRoute;
  readonly isAdmin: boolean;
  readonly filters: Filters;
  readonly onFilters: (f: Filters) => void;
  readonly agency: string;
  readonly onAgency: (a: string) => void;
  readonly onAgenciesChanged: () => void;
}) {
  switch (route.name) {
    case "dashboard":
      return <Dashboard filters={filters} onFilters={onFilters} />;
    case "contacts":
      return <ContactsTable filters={filters} onFilters={onFilters} />;
    case "contact":
      return <ContactPage key={route.id} id={route.id} />;
    case "sessions":
      return <SessionsTable filters={filters} onFilters={onFilters} />;
    case "session":
      return <SessionPage key={route.id} id={route.id} />;
    case "visits":
      return <VisitsTable filters={filters} onFilters={onFilters} />;
    case "conflicts":
      return <Conflicts agency={agency} onAgency={onAgency} />;
    case "duplicates":
      return <Duplicates agency={agency} onAgency={onAgency} />;
    case "exports":
      return <Exports />;
    case "agencies":
      return isAdmin ? <Agencies onChanged={onAgenciesChanged} /> : <AdminOnly />;
    case "users":
      return isAdmin ? <Users /> : <AdminOnly />;
    case "devices":
      return isAdmin ? <Devices /> : <AdminOnly />;
    case "export-log":
      return isAdmin ? <ExportLog /> : <AdminOnly />;
  }
}

function AdminOnly() {
  const { c } = useText();
  return (
    <section class="console-page">
      <p class="console-failure" role="alert">
        {c("console.adminOnly")}
      </p>
      <button type="button" class="button" onClick={() => goTo({ name: "dashboard" })}>
        {c("nav.dashboard")}
      </button>
    </section>
  );
}
