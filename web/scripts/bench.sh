#!/usr/bin/env bash
# Performance benchmark of the agents' app against the real thing: the
# `relais` binary (with this app embedded) serving the demo agency on a free
# loopback port, seeded up to 5,000 contacts by `relais simulate`, then
# measured in Debian's Chromium by scripts/bench.mjs.
# Needs: npm run build, then cargo build -p relais (which embeds dist/).
# Options go to bench.mjs (e.g. --runs 3 --json out.json).
set -euo pipefail
cd "$(dirname "$0")/.."
RELAIS_BIN="${RELAIS_BIN:-../target/debug/relais}"
CONTACTS="${BENCH_CONTACTS:-5000}"
[ -x "$RELAIS_BIN" ] || { echo "bench: $RELAIS_BIN is missing: run cargo build -p relais first" >&2; exit 1; }
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || { echo "bench: no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium}: apt-get install -y chromium" >&2; exit 1; }
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
curl -fsS "http://127.0.0.1:$PORT/" | grep -q '<script' || { echo "bench: the binary does not carry the app: run npm run build, then cargo build -p relais" >&2; exit 1; }

# The demo agency has 300 contacts; two simulated phones push the rest, the
# way real phones would (generated records of every field, follow-ups included).
DEMO_CONTACTS=300
PER_PHONE=$(( (CONTACTS - DEMO_CONTACTS + 1) / 2 ))
if [ "$PER_PHONE" -gt 0 ]; then
  echo "bench: seeding $((PER_PHONE * 2)) contacts through relais simulate (ingest, 2 phones)" >&2
  "$RELAIS_BIN" simulate --server "http://127.0.0.1:$PORT" --scenario ingest --devices 2 --contacts-per-device "$PER_PHONE" >"$DATA/simulate.log" 2>&1 \
    || { cat "$DATA/simulate.log"; exit 1; }
  grep -iE "ingest|documents" "$DATA/simulate.log" | head -5 >&2 || true
fi
BASE_URL="http://127.0.0.1:$PORT" BENCH_CONTACTS="$CONTACTS" node scripts/bench.mjs "$@" || { echo "--- server log"; tail -30 "$DATA/server.log"; exit 1; }
