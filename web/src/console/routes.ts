/** The console's addresses, below `/console` (the server answers any of them with the app shell). */
import { useEffect, useState } from "preact/hooks";

export const CONSOLE_ROOT = "/console";

export type ConsoleRoute =
  | { readonly name: "dashboard" }
  | { readonly name: "contacts" }
  | { readonly name: "contact"; readonly id: string }
  | { readonly name: "sessions" }
  | { readonly name: "session"; readonly id: string }
  | { readonly name: "visits" }
  | { readonly name: "conflicts" }
  | { readonly name: "duplicates" }
  | { readonly name: "exports" }
  | { readonly name: "agencies" }
  | { readonly name: "users" }
  | { readonly name: "devices" }
  | { readonly name: "export-log" };

export type ConsoleRouteName = ConsoleRoute["name"];

export function isConsolePath(pathname: string): boolean {
  return pathname === CONSOLE_ROOT || pathname.startsWith(`${CONSOLE_ROOT}/`);
}

export function parseConsolePath(pathname: string): ConsoleRoute {
  const rest = pathname.startsWith(CONSOLE_ROOT) ? pathname.slice(CONSOLE_ROOT.length) : pathname;
  const [section, id, extra] = rest.split("/").filter((p) => p !== "").map(decodeURIComponent);
  if (extra !== undefined) return { name: "dashboard" };
  switch (section) {
    case undefined:
      return { name: "dashboard" };
    case "contacts":
      return id ? { name: "contact", id } : { name: "contacts" };
    case "sessions":
      return id ? { name: "session", id } : { name: "sessions" };
    case "visits":
    case "conflicts":
    case "duplicates":
    case "exports":
    case "agencies":
    case "users":
    case "devices":
      return id ? { name: "dashboard" } : { name: section };
    case "export-log":
      return id ? { name: "dashboard" } : { name: "export-log" };
    default:
      return { name: "dashboard" };
  }
}

export function consolePath(route: ConsoleRoute): string {
  switch (route.name) {
    case "dashboard":
      return CONSOLE_ROOT;
    case "contact":
      return `${CONSOLE_ROOT}/contacts/${encodeURIComponent(route.id)}`;
    case "session":
      return `${CONSOLE_ROOT}/sessions/${encodeURIComponent(route.id)}`;
    default:
      return `${CONSOLE_ROOT}/${route.name}`;
  }
}

const CHANGE = "relais:console-route";

export function goTo(route: ConsoleRoute): void {
  const path = consolePath(route);
  if (location.pathname !== path) history.pushState(null, "", path);
  window.dispatchEvent(new Event(CHANGE));
}

export function useConsoleRoute(): ConsoleRoute {
  const [route, setRoute] = useState(() => parseConsolePath(location.pathname));
  useEffect(() => {
    const onChange = (): void => {
      setRoute(parseConsolePath(location.pathname));
      window.scrollTo(0, 0);
    };
    window.addEventListener("popstate", onChange);
    window.addEventListener(CHANGE, onChange);
    return () => {
      window.removeEventListener("popstate", onChange);
      window.removeEventListener(CHANGE, onChange);
    };
  }, []);
  return route;
}

/** A link inside the console that changes the route without reloading the page. */
export function onLink(route: ConsoleRoute): (e: MouseEvent) => void {
  return (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    goTo(route);
  };
}
