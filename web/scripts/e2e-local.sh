#!/usr/bin/env bash
# Runs the browser tests against the real thing: the `relais` binary, with
# this app embedded, serving the demo agency on a free loopback port.
# Needs: npm run build, then cargo build -p relais (which embeds dist/), and
# Debian's chromium (apt-get install -y chromium, or set CHROMIUM_PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
RELAIS_BIN="${RELAIS_BIN:-../target/debug/relais}"
[ -x "$RELAIS_BIN" ] || { echo "e2e: $RELAIS_BIN is missing: run cargo build -p relais first" >&2; exit 1; }
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || { echo "e2e: no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium}: apt-get install -y chromium" >&2; exit 1; }
DATA="$(mktemp -d)"
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"$RELAIS_BIN" serve --demo --data "$DATA" --bind "127.0.0.1:$PORT" >"$DATA/server.log" 2>&1 &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
node -e '
  const url = process.argv[1];
  const deadline = Date.now() + 120000;
  const poll = () => fetch(url).then(r => { if (!r.ok) throw 0; }).catch(() => {
    if (Date.now() > deadline) { console.error("the server did not become healthy"); process.exit(1); }
    return new Promise(r => setTimeout(r, 200)).then(poll);
  });
  poll();
' "http://127.0.0.1:$PORT/healthz" || { cat "$DATA/server.log"; exit 1; }
curl -fsS "http://127.0.0.1:$PORT/" | grep -q 'id="app"\|<script' || { echo "e2e: the binary does not carry the app: run npm run build, then cargo build -p relais" >&2; exit 1; }
# The screenshot specs write docs/screenshots/ and run by hand
# (RELAIS_SCREENSHOTS=1 scripts/e2e-local.sh); every other spec always runs.
filter=(--grep-invert "screenshots")
[ "${RELAIS_SCREENSHOTS:-0}" = 1 ] && filter=()
BASE_URL="http://127.0.0.1:$PORT" npx playwright test "${filter[@]}" "$@" || { echo "--- server log"; tail -50 "$DATA/server.log"; exit 1; }
