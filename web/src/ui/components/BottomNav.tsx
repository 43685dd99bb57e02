import { useI18n } from "../../i18n";
import type { Route } from "../router";

/** Simple line icons (SVG paths on a 24×24 grid): no emoji font is needed on the phone. */
const ICONS = {
  contacts: "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 10c0-4 3-6 7-6s7 2 7 6M17 11a3 3 0 1 0 0-6M19 15c2 .7 3 2.5 3 5",
  sessions: "M4 5h16v15H4zM4 10h16M8 3v4M16 3v4",
  visits: "M12 21s-7-6.5-7-12a7 7 0 0 1 14 0c0 5.5-7 12-7 12zm0-9a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
  settings: "M4 7h10M18 7h2M4 17h4M12 17h8M14 5v4M8 15v4",
} as const;

const TABS = [
  { path: "/contacts", key: "nav.contacts", icon: ICONS.contacts, match: ["contacts", "contact", "contact-new", "contact-edit"] },
  { path: "/sessions", key: "nav.sessions", icon: ICONS.sessions, match: ["sessions", "session", "session-new", "session-edit"] },
  { path: "/visits", key: "nav.visits", icon: ICONS.visits, match: ["visits", "visit", "visit-new"] },
  { path: "/settings", key: "nav.settings", icon: ICONS.settings, match: ["settings"] },
] as const;

export function BottomNav({ route }: { readonly route: Route }) {
  const { t } = useI18n();
  return (
    <nav class="tabs" aria-label={t("app.name")}>
      {TABS.map((tab) => {
        const current = (tab.match as readonly string[]).includes(route.name);
        return (
          <a key={tab.path} href={`#${tab.path}`} class={`tabs__tab${current ? " tabs__tab--on" : ""}`} aria-current={current ? "page" : undefined}>
            <svg aria-hidden="true" class="tabs__icon" viewBox="0 0 24 24" width="24" height="24">
              <path d={tab.icon} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
            </svg>
            <span>{t(tab.key)}</span>
          </a>
        );
      })}
    </nav>
  );
}
