import { render } from "preact";
import wasmUrl from "@automerge/automerge/automerge.wasm?url";
import { initAutomerge } from "./automerge";
import { AppController, Phase } from "./app/controller";
import { App } from "./ui/App";
import { isConsolePath } from "./console/routes";
import { isLanguage, Language, makeTranslator } from "./i18n";
import "./styles.css";

// User Timing marks, read by scripts/bench.mjs.
performance.mark?.("relais:script");

/** The agents' app: the phone's store, sync and screens. */
function startAgentsApp(root: HTMLElement): void {
  // The 3 MB of WASM compile once the first real screen (enrolment or lock)
  // is drawn and the phone is idle, typically while the agent types the PIN:
  // not in competition with opening the store; lists never need it.
  const startAutomerge = (): void => void initAutomerge(wasmUrl);
  function whenIdle(run: () => void): void {
    if (typeof requestIdleCallback === "function") requestIdleCallback(run, { timeout: 3_000 });
    else setTimeout(run, 500);
  }
  // Ask the browser not to evict records when storage runs low.
  void navigator.storage?.persist?.();

  const controller = new AppController();
  const stopWaiting = controller.subscribe(() => {
    if (controller.phase === Phase.Loading) return;
    stopWaiting();
    whenIdle(startAutomerge);
  });
  render(<App controller={controller} />, root);
  controller.start().catch(() => {
    controller.phase = Phase.Broken;
    render(<App controller={controller} />, root);
  });
}

const root = document.getElementById("app");
// Supervisors and administrators: the console, a separate chunk the phones never load at start.
if (root && isConsolePath(location.pathname)) {
  import("./console/console").then(
    (chunk) => chunk.mountConsole(root),
    () => render(<p class="loading" role="alert">{makeTranslator(preferredLanguage()).t("console.unavailable")}</p>, root),
  );
} else if (root) {
  startAgentsApp(root);
}

function preferredLanguage(): Language {
  const lang = navigator.language.slice(0, 2);
  return isLanguage(lang) ? lang : Language.French;
}
