/** Hash routes: the app works from any URL the service worker serves, offline included. */
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { readonly name: "contacts" }
  | { readonly name: "contact-new" }
  | { readonly name: "contact"; readonly id: string }
  | { readonly name: "contact-edit"; readonly id: string }
  | { readonly name: "sessions" }
  | { readonly name: "session-new" }
  | { readonly name: "session"; readonly id: string }
  | { readonly name: "session-edit"; readonly id: string }
  | { readonly name: "visits" }
  | { readonly name: "visit-new" }
  | { readonly name: "visit"; readonly id: string }
  | { readonly name: "settings" };

export function parseRoute(hash: string): Route {
  const parts = (hash.replace(/^#\/?/, "").split("?")[0] ?? "").split("/").filter((p) => p !== "");
  const [section, id, action] = parts;
  switch (section) {
    case "contacts":
      if (id === "new") return { name: "contact-new" };
      if (id) return action === "edit" ? { name: "contact-edit", id } : { name: "contact", id };
      return { name: "contacts" };
    case "sessions":
      if (id === "new") return { name: "session-new" };
      if (id) return action === "edit" ? { name: "session-edit", id } : { name: "session", id };
      return { name: "sessions" };
    case "visits":
      if (id === "new") return { name: "visit-new" };
      if (id) return { name: "visit", id };
      return { name: "visits" };
    case "settings":
      return { name: "settings" };
    default:
      return { name: "contacts" };
  }
}

/**
 * Goes to `path` through the History API: assigning `location.hash` would
 * make the browser lay out the page being left to look for an anchor, tens
 * of milliseconds on a slow phone after every save. Back and forward still
 * fire `hashchange`.
 */
export function navigate(path: string, replace = false): void {
  const hash = `#${path}`;
  if (replace) history.replaceState(null, "", hash);
  else history.pushState(null, "", hash);
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = (): void => {
      setRoute(parseRoute(location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

/** Whether the current hash carries `?flag` (e.g. "saved" after a save). */
export function hashFlag(flag: string): boolean {
  const query = location.hash.split("?")[1] ?? "";
  return query.split("&").includes(flag);
}
