#!/usr/bin/env bash
# Load: N phones working and syncing at once against one server on this
# machine, for several N, to find the knee where latency rises
# (docs/reliability.md, "Load").
#
#   bench/load.sh                    50, 100, 200 and 300 phones, 20 cycles each
#   bench/load.sh --levels "10 20"   other fleet sizes
#   bench/load.sh --rounds 5         fewer cycles per phone
#   bench/load.sh --out DIR          keep every report (JSON) in DIR
#   RELAIS_BIN=target/debug/relais bench/load.sh --levels 10 --rounds 2   a quick check
#
# Phones are spread over agencies of 10 agents (one phone per agent), as in a
# real deployment. Each level gets a fresh copy of the same accounts and a
# fresh server; each phone enrols, fetches its agency, then runs `rounds`
# cycles of (1 new contact, 1 edit, 1 attendance mark, sync until idle) as
# fast as the server answers. Reported per level: round trips per second,
# latency percentiles, errors, server CPU seconds and peak RSS (/proc).
# Everything stays on 127.0.0.1; processes started here are stopped on exit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

levels="50 100 200 300"
rounds=20
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --levels) levels="${2:?}"; shift ;;
        --rounds) rounds="${2:?}"; shift ;;
        --out) out="${2:?}"; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
for tool in cargo curl jq; do
    command -v "$tool" >/dev/null || { echo "bench/load.sh needs $tool" >&2; exit 2; }
done

root="$(cd "$(dirname "$0")/.." && pwd)"
port="${RELAIS_BENCH_PORT:-18781}"
url="http://127.0.0.1:$port"
password="load-test-password"
work="$(mktemp -d)"
out="${out:-$work/reports}"
mkdir -p "$out"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work/data" "$work/template"
}
trap cleanup EXIT

cd "$root"
# RELAIS_BIN: an existing binary (e.g. target/debug/relais for a quick check).
relais="${RELAIS_BIN:-}"
if [ -z "$relais" ]; then
    cargo build --release -p relais
    relais="$root/target/release/relais"
fi

max=0
for n in $levels; do [ "$n" -gt "$max" ] && max="$n"; done
agencies=$(( (max + 9) / 10 ))
echo "== accounts: $agencies agencies of 10 agents"
mkdir -p "$work/template"
for a in $(seq 1 "$agencies"); do
    "$relais" agency add --data "$work/template" "Agence $a" >/dev/null
    for u in $(seq 1 10); do
        echo "$password" | "$relais" user add --data "$work/template" "agent-$a-$u" --role agent --agency "Agence $a" >/dev/null
    done
done

printf '%-8s %10s %10s %9s %9s %9s %9s %8s %9s %9s\n' devices "rt/s" "docs/s" "p50 ms" "p90 ms" "p99 ms" "max ms" errors "cpu s" "rss MiB"
for n in $levels; do
    rm -rf "$work/data" && cp -r "$work/template" "$work/data"
    RELAIS_LOG=warn "$relais" serve --data "$work/data" --bind "127.0.0.1:$port" >"$out/server-$n.log" 2>&1 &
    server_pid=$!
    wait_healthy "$url" "$server_pid" "$out/server-$n.log" || exit 1
    # One phone per agent: agency a gets agents agent-a-1..10, in order.
    users=""
    for i in $(seq 0 $((n - 1))); do
        users="$users${users:+,}agent-$((i / 10 + 1))-$((i % 10 + 1))"
    done
    "$relais" simulate --server "$url" --scenario load --devices "$n" --concurrency "$n" \
        --username "$users" --password "$password" --rounds "$rounds" \
        --contacts-per-device 1 --edits-per-device 1 --marks-per-device 1 \
        --server-pid "$server_pid" --json >"$out/load-$n.json"
    kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
    server_pid=""
    jq -r '[.devices, (.round_trips_per_second|floor), (.documents_per_second|floor),
            .latency_ms.p50, .latency_ms.p90, .latency_ms.p99, .latency_ms.max, .errors,
            (.server_usage.cpu_seconds // "?"), (.server_usage.peak_rss_mib // "?" | tostring | .[0:6])]
           | @tsv' "$out/load-$n.json" \
        | awk -F'\t' '{ printf "%-8s %10s %10s %9.1f %9.1f %9.1f %9.1f %8s %9s %9s\n", $1,$2,$3,$4,$5,$6,$7,$8,$9,$10 }'
done
echo "reports: $out"
