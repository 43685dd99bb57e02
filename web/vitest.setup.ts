import "fake-indexeddb/auto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initAutomerge } from "./src/automerge";

const require = createRequire(import.meta.url);
await initAutomerge(new Uint8Array(readFileSync(require.resolve("@automerge/automerge/automerge.wasm"))));
