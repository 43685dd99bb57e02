// First-load budget: every file the service worker precaches (the app shell,
// the Automerge WASM, icons) compressed as a server would send it. Fails when
// the brotli total is over 1 MB (gzip is reported too).
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
const BUDGET = 1_000_000;
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(js|css|html|wasm|webmanifest|png)$/.test(name)) files.push(path);
  }
})(dist);
let gz = 0;
let br = 0;
for (const file of files) {
  const bytes = readFileSync(file);
  const g = /\.png$/.test(file) ? bytes.length : gzipSync(bytes, { level: 9 }).length;
  const b = /\.png$/.test(file) ? bytes.length : brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  gz += g;
  br += b;
  console.log(`${file.slice(dist.length).padEnd(48)} ${String(bytes.length).padStart(9)} raw ${String(g).padStart(9)} gzip ${String(b).padStart(9)} br`);
}
console.log(`total: ${gz} bytes gzip, ${br} bytes brotli (budget ${BUDGET})`);
if (br > BUDGET) {
  console.error("over the first-load budget");
  process.exit(1);
}
