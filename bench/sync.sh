#!/usr/bin/env bash
# Sync benchmarks of Relais, reproducible on one machine (docs/benchmarks.md).
#
#   bench/sync.sh            the full run (about 5 minutes on 2 cores)
#   bench/sync.sh --quick    a tiny version, to check that the script works
#   bench/sync.sh --out DIR  keep every report (JSON) and server log in DIR
#   bench/sync.sh --ingest-only             only (b) at 10,000 documents
#   bench/sync.sh --baseline OTHER_BINARY   also run (b) at 10,000 documents
#       with another build of relais, interleaved with this one (before and
#       after in the same run, so that the ratio survives a busy machine)
#   RELAIS_BENCH_ROUNDS=N   rounds of (b) with --ingest-only or --baseline (2)
#
# Builds the release binary, starts `relais serve` on 127.0.0.1 with a
# temporary data folder, and measures with `relais simulate` (phones over
# HTTP, on this machine):
#   (a) a day at the agency: N existing contacts, D devices each bringing new
#       contacts, edited contacts and attendance marks, all syncing at once;
#   (b) server ingest rate (documents stored and projected per second);
#   (c) first sync of a new device into a 10,000-contact agency;
#   (d) server peak memory at 10,000 and 100,000 documents.
# Server CPU seconds and peak RSS come from /proc/PID (utime+stime, VmHWM).
# All load stays on 127.0.0.1; every process started here is stopped on exit.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

quick=0
out=""
ingest_only=0
baseline=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --out) out="${2:?--out needs a folder}"; shift ;;
        --ingest-only) ingest_only=1 ;;
        --baseline) baseline="${2:?--baseline needs a relais binary}"; shift ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

for tool in cargo curl jq; do
    command -v "$tool" >/dev/null || { echo "bench/sync.sh needs $tool" >&2; exit 2; }
done

root="$(cd "$(dirname "$0")/.." && pwd)"
port="${RELAIS_BENCH_PORT:-18780}"
url="http://127.0.0.1:$port"
agency="Agence Bench"
username="bench.agent"
password="bench-password"

if [ "$quick" = 1 ]; then
    day_existing=200; day_devices=5; day_contacts=5; day_edits=3; day_marks=3
    ingest_devices=4; ingest_each=250          # 1,000 documents
    grow_each=1000                             # to 5,000 documents
else
    day_existing=2000; day_devices=30; day_contacts=40; day_edits=20; day_marks=30
    ingest_devices=10; ingest_each=1000        # 10,000 documents
    grow_each=9000                             # to 100,000 documents
fi
# The growth to 100k uses as many devices (pushes in flight at once) as the
# first 10k, so that memory is compared at equal concurrency.

work="$(mktemp -d -t relais-bench.XXXXXX)"
[ -n "$out" ] || out="$work/reports"
mkdir -p "$out"
server_pid=""

stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}
cleanup() {
    stop_server
    rm -rf "$work/data-"*
}
trap cleanup EXIT

if [ -n "$baseline" ] && [ ! -x "$baseline" ]; then
    echo "--baseline: $baseline is not an executable" >&2; exit 2
fi

echo "== building the release binary"
(cd "$root" && RELAIS_SKIP_WEB="${RELAIS_SKIP_WEB:-1}" cargo build --release -p relais --quiet)
relais="$root/target/release/relais"
# A copy, so that a rebuild during the run cannot swap the binary under it.
cp "$relais" "$work/relais"
relais="$work/relais"

# start_server NAME: a fresh data folder with one agency and one agent, then serve.
start_server() {
    local data="$work/data-$1"
    mkdir -p "$data"
    "$relais" agency add --data "$data" "$agency" >/dev/null
    printf '%s' "$password" | "$relais" user add --data "$data" "$username" \
        --role agent --agency "$agency" >/dev/null
    RELAIS_LOG=warn "$relais" serve --data "$data" --bind "127.0.0.1:$port" \
        >"$out/server-$1.log" 2>&1 &
    server_pid=$!
    wait_healthy "$url" "$server_pid" "$out/server-$1.log" || exit 1
}

# simulate NAME ARGS...: run relais simulate, keep its JSON report as NAME.json.
simulate() {
    local name="$1"; shift
    # Always this build's simulator, so that a --baseline run differs only in the server.
    "$work/relais" simulate --server "$url" --username "$username" --password "$password" \
        --server-pid "$server_pid" --json "$@" >"$out/$name.json"
    jq -r '"   \(.scenario): converged \(.converged)"' "$out/$name.json"
}

# The machine, the code and how busy the machine is (other work skews wall times).
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" status --porcelain 2>/dev/null | grep -q . && echo ' (with uncommitted changes)')"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"

# ingest_line NAME: one line for an ingest report, with server CPU per document.
ingest_line() {
    jq -r --arg run "$1" '.phases[] | select(.name == "ingest") |
      "(b) \($run): \(.documents) documents in \(.seconds | . * 100 | round / 100) s = " +
      "\(.documents_per_second | round) documents/s, server \(.server.cpu_seconds) CPU s = " +
      "\(.server.cpu_seconds * 1000 / .documents | . * 1000 | round / 1000) CPU ms/document, " +
      "peak RSS \(.server.peak_rss_mib | . * 10 | round / 10) MiB"' "$out/$1.json"
}

if [ "$ingest_only" = 1 ] || [ -n "$baseline" ]; then
    # Alternate the two builds so that both see the same load on average.
    rounds="${RELAIS_BENCH_ROUNDS:-2}"
    [ "$quick" = 1 ] && rounds=1
    this="$relais"
    for round in $(seq 1 "$rounds"); do
        echo "== (b) ingest of $((ingest_devices * ingest_each)) documents, round $round"
        relais="$this"
        start_server "ingest-$round"
        simulate "ingest-10k-$round" --scenario ingest --devices "$ingest_devices" \
            --contacts-per-device "$ingest_each"
        stop_server
        if [ -n "$baseline" ]; then
            relais="$baseline"
            start_server "baseline-$round"
            simulate "baseline-10k-$round" --scenario ingest --devices "$ingest_devices" \
                --contacts-per-device "$ingest_each"
            stop_server
            relais="$this"
        fi
    done
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
    echo
    echo "== results (reports in $out)"
    for round in $(seq 1 "$rounds"); do
        ingest_line "ingest-10k-$round"
        [ -z "$baseline" ] || ingest_line "baseline-10k-$round"
    done
    [ "$ingest_only" = 1 ] && exit 0
fi

echo "== (a) a day at the agency: $day_existing contacts, $day_devices devices"
start_server day
simulate day-seed --scenario ingest --devices 4 --contacts-per-device $((day_existing / 4)) \
    --concurrency 4
simulate day --scenario day --devices "$day_devices" --contacts-per-device "$day_contacts" \
    --edits-per-device "$day_edits" --marks-per-device "$day_marks"
stop_server

echo "== (b) ingest, (c) first sync, (d) memory as documents grow"
start_server scale
simulate ingest-10k --scenario ingest --devices "$ingest_devices" \
    --contacts-per-device "$ingest_each"
simulate first-sync-10k --scenario first-sync --devices 1
simulate ingest-100k --scenario ingest --devices "$ingest_devices" \
    --contacts-per-device "$grow_each"
simulate first-sync-100k --scenario first-sync --devices 1
stop_server
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"

echo
echo "== results (reports in $out)"
jq -r '
  .phases[] | select(.name != "generation") |
  "(a) day, \(.name): \(.seconds | . * 100 | round / 100) s, " +
  "\(.requests.per_device) requests/device, " +
  "up \(.bytes_up.per_device / 1024 | . * 10 | round / 10) KiB/device, " +
  "down \(.bytes_down.per_device / 1024 | . * 10 | round / 10) KiB/device, " +
  "server \(.server.cpu_seconds) CPU s, peak RSS \(.server.peak_rss_mib | . * 10 | round / 10) MiB"
' "$out/day.json"
jq -r '"(a) converged: \(.converged); documents \(.documents.total); work \(.work)"' "$out/day.json"
for run in ingest-10k ingest-100k; do
    ingest_line "$run"
done
for run in first-sync-10k first-sync-100k; do
    jq -r --arg run "$run" '.phases[0] |
      "(c) \($run): \(.documents) documents, \(.bytes_down.total / 1048576 | . * 100 | round / 100) MiB down, " +
      "\(.requests.total) requests, \(.seconds | . * 100 | round / 100) s " +
      "(waiting for the server \(.waiting.per_device | . * 100 | round / 100) s), " +
      "server peak RSS \(.server.peak_rss_mib | . * 10 | round / 10) MiB"' "$out/$run.json"
done
for size in 10k 100k; do
    jq -rs --arg size "$size" '[.[].phases[] | select(.server != null) | .server] |
      "(d) server memory up to \($size) documents: peak RSS \(map(.peak_rss_mib) | max | . * 10 | round / 10) MiB, " +
      "RSS at the end \(last.rss_mib | . * 10 | round / 10) MiB"' \
        "$out/ingest-$size.json" "$out/first-sync-$size.json"
done
