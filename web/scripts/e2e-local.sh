#!/usr/bin/env bash
# Runs the browser tests on this machine: the relais server (demo data) on a
# free port, the built app served by `vite preview` with /api proxied to it,
# then Playwright against the preview. Needs: cargo build -p relais, npm run
# build, and Debian's chromium (apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
RELAIS_BIN="${RELAIS_BIN:-../target/debug/relais}"
DATA="$(mktemp -d)"
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
API_PORT="$(free_port)"
WEB_PORT="$(free_port)"
"$RELAIS_BIN" serve --demo --data "$DATA" --bind "127.0.0.1:$API_PORT" >"$DATA/server.log" 2>&1 &
SERVER=$!
RELAIS_URL="http://127.0.0.1:$API_PORT" npx vite preview --port "$WEB_PORT" --strictPort --host 127.0.0.1 >"$DATA/preview.log" 2>&1 &
PREVIEW=$!
cleanup() { kill "$SERVER" "$PREVIEW" 2>/dev/null || true; wait "$SERVER" "$PREVIEW" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$WEB_PORT/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$WEB_PORT/healthz" >/dev/null || { echo "the server or the preview did not start"; cat "$DATA"/*.log; exit 1; }
export RELAIS_BIN RELAIS_DATA="$DATA"
BASE_URL="http://127.0.0.1:$WEB_PORT" npx playwright test "$@"
