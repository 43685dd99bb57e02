/**
 * The console mounted in a test's own element, signed in or not, in one
 * language: what every screen test starts from.
 */
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach } from "vitest";
import { ConsoleApi } from "../api";
import { ConsoleApp } from "../ConsoleApp";
import type { FakeConsoleServer } from "./fake-console-server";

export const AGENCY = { id: "a1", name: "Lyon Est" };

/** What `GET /api/v1/console/session` answers for a supervisor of [`AGENCY`]. */
export const SUPERVISOR_SESSION = {
  user: { id: "u1", username: "demo.superviseur", displayName: "Sophie Martin", role: "supervisor", agencies: [AGENCY] },
  csrf: "csrf-abc",
};

/**
 * Give each test of the file a fresh element in the document, with the
 * console's language set; the returned function reads the current one.
 */
export function consoleRoot(language: "fr" | "en" | "ar"): () => HTMLElement {
  let root: HTMLElement | undefined;
  beforeEach(() => {
    root = document.createElement("div");
    document.body.append(root);
    localStorage.setItem("relais.console.language", language);
  });
  afterEach(() => {
    if (!root) return;
    render(null, root);
    root.remove();
    root = undefined;
  });
  return () => {
    if (!root) throw new Error("consoleRoot is read inside a test");
    return root;
  };
}

/** Render the console at `path` (under /console) talking to `server`. */
export async function openConsole(root: HTMLElement, path: string, server: FakeConsoleServer): Promise<void> {
  history.replaceState(null, "", path);
  await act(() => {
    render(<ConsoleApp api={new ConsoleApi(server.fetch)} />, root);
  });
}
