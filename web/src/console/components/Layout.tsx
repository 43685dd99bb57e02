/** The console's frame: a header with the user and sign-out, a navigation column, the page. */
import type { ComponentChildren } from "preact";
import { useConsole } from "../context";
import { useText, type ConsoleKey } from "../i18n";
import { consolePath, onLink, type ConsoleRoute, type ConsoleRouteName } from "../routes";
import { ConsoleRole } from "../types";
import type { Language } from "../../i18n";
import { LanguageChoice } from "./LanguageChoice";

const MAIN: readonly [ConsoleRouteName, ConsoleKey][] = [
  ["dashboard", "nav.dashboard"],
  ["contacts", "nav.contacts"],
  ["sessions", "nav.sessions"],
  ["visits", "nav.visits"],
  ["conflicts", "nav.conflicts"],
  ["duplicates", "nav.duplicates"],
  ["exports", "nav.exports"],
];

const ADMIN: readonly [ConsoleRouteName, ConsoleKey][] = [
  ["agencies", "nav.agencies"],
  ["users", "nav.users"],
  ["devices", "nav.devices"],
  ["export-log", "nav.exportLog"],
];

/** Which menu entry a page belongs to (a contact's page is under "contacts"). */
function section(route: ConsoleRoute): ConsoleRouteName {
  if (route.name === "contact") return "contacts";
  if (route.name === "session") return "sessions";
  return route.name;
}

export function Layout({
  route,
  onSignOut,
  onLanguage,
  children,
}: {
  readonly route: ConsoleRoute;
  readonly onSignOut: () => void;
  readonly onLanguage: (lang: Language) => void;
  readonly children: ComponentChildren;
}) {
  const { c } = useText();
  const { user } = useConsole();
  const current = section(route);
  const entry = ([name, key]: readonly [ConsoleRouteName, ConsoleKey]) => {
    const to = { name } as ConsoleRoute;
    return (
      <li key={name}>
        <a href={consolePath(to)} onClick={onLink(to)} aria-current={current === name ? "page" : undefined}>
          {c(key)}
        </a>
      </li>
    );
  };
  return (
    <div class="console">
      <header class="console__bar">
        <a class="console__brand" href={consolePath({ name: "dashboard" })} onClick={onLink({ name: "dashboard" })}>
          <img src="/icons/icon-192.png" alt="" width={32} height={32} />
          <span>{c("console.title")}</span>
        </a>
        <LanguageChoice onPick={onLanguage} />
        <span class="console__user" data-testid="signed-in">
          {c("console.signedInAs", { name: user.displayName, role: c(`role.${user.role}`) })}
        </span>
        <button type="button" class="button button--small button--quiet" onClick={onSignOut}>
          {c("signin.out")}
        </button>
      </header>
      <nav class="console__nav" aria-label={c("nav.main")}>
        <ul>{MAIN.map(entry)}</ul>
        {user.role === ConsoleRole.Admin ? (
          <>
            <h2 class="console__nav-title">{c("nav.admin")}</h2>
            <ul>{ADMIN.map(entry)}</ul>
          </>
        ) : null}
      </nav>
      <main class="console__main">{children}</main>
    </div>
  );
}
