import { render } from "preact";
import wasmUrl from "@automerge/automerge/automerge.wasm?url";
import { initAutomerge } from "./automerge";
import { AppController, Phase } from "./app/controller";
import { App } from "./ui/App";
import "./styles.css";

// Compiles while the shell and the list (from the local index) are drawn.
void initAutomerge(wasmUrl);
// Ask the browser not to evict records when storage runs low.
void navigator.storage?.persist?.();

const controller = new AppController();
const root = document.getElementById("app");
if (root) {
  render(<App controller={controller} />, root);
  controller.start().catch(() => {
    controller.phase = Phase.Broken;
    render(<App controller={controller} />, root);
  });
}
