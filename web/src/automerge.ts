/**
 * Automerge without its WASM bundled in JavaScript: the `.wasm` file is a
 * separate, cached asset, compiled once the first screen is drawn (lists
 * come from the local index and never need it). {@link initAutomerge} may be
 * called more than once; {@link automergeReady} resolves when documents can
 * be opened.
 */
import * as A from "@automerge/automerge/slim";

export { A };

let resolveReady: () => void = () => undefined;
let rejectReady: (e: unknown) => void = () => undefined;
export const automergeReady: Promise<void> = new Promise((resolve, reject) => {
  resolveReady = resolve;
  rejectReady = reject;
});
let started = false;

/** Compiles the WASM from a URL (the app) or bytes (the tests). */
export function initAutomerge(source: string | Uint8Array): Promise<void> {
  if (!started) {
    started = true;
    A.initializeWasm(source).then(resolveReady, rejectReady);
  }
  return automergeReady;
}
