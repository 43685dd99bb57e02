#!/usr/bin/env bash
# Supervisor console benchmark (issue 4; figures in docs/benchmarks.md,
# section "Supervisor console").
#
#   bench/console.sh                 200,000 contacts, 2,000 sessions × 500 marks, 5,000 visits
#   bench/console.sh --quick         20,000 contacts, 200 sessions × 500 marks: checks the script
#   bench/console.sh --seeded DIR    reuse a folder seeded by `bench seed` (left in place)
#
# 1. Builds `relais` and the `bench` example of relais-console (release).
# 2. `bench seed` creates a data folder and fills the projection tables
#    directly with generated values (the console reads only the projection).
# 3. `bench queries` times every dashboard query and the records pages on a
#    read-only connection, as the server's readers run them.
# 4. Starts `relais serve` on 127.0.0.1, signs in through the console API and
#    times, over HTTP, the whole dashboard, a contacts page, and the CSV
#    export of the attendance table (every row, as the admin), reading the
#    server's peak RSS (VmHWM) from /proc.
# Everything lives in a temporary folder removed on exit; the server started
# here is stopped on exit.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

contacts=200000
sessions=2000
marks=500
seeded=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) contacts=20000; sessions=200 ;;
        --seeded) seeded="${2:?--seeded needs a folder}"; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
for tool in cargo curl jq; do
    command -v "$tool" >/dev/null || { echo "bench/console.sh needs $tool" >&2; exit 2; }
done

root="$(cd "$(dirname "$0")/.." && pwd)"
port="${RELAIS_BENCH_PORT:-18790}"
url="http://127.0.0.1:$port"
work="$(mktemp -d)"
data="${seeded:-$work}"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

(cd "$root" && RELAIS_SKIP_WEB=1 cargo build --release --quiet -p relais -p relais-console --example bench)
relais="$root/target/release/relais"
bench="$root/target/release/examples/bench"

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
[ -n "$seeded" ] || "$bench" seed "$work" "$contacts" "$sessions" "$marks"
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== queries (read-only connection, no HTTP)"
"$bench" queries "$data"

echo "== over HTTP (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
RELAIS_LOG=warn "$relais" serve --data "$data" --bind "127.0.0.1:$port" > "$work/server.log" 2>&1 &
server=$!
wait_healthy "$url" "$server" "$work/server.log" || exit 1

sign_in() {
    curl -fs -c "$work/$1.cookies" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"bench password\"}" "$url/api/v1/console/session" >/dev/null
}
sign_in bench_sup
sign_in bench_admin
timed() { # label, user, path: median of 5 wall times in ms
    local label="$1" user="$2" path="$3" times=()
    for _ in 1 2 3 4 5; do
        times+=("$(curl -fs -b "$work/$user.cookies" -o /dev/null -w '%{time_total}' "$url$path")")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" 'NR == 3 { printf "%-58s median %7.1f ms\n", l, $1 * 1000 }'
}
timed "dashboard, supervisor of one agency" bench_sup /api/v1/console/dashboard
timed "dashboard, admin, every agency" bench_admin /api/v1/console/dashboard
timed "contacts first page, supervisor, newest first" bench_sup "/api/v1/console/contacts"
timed "contacts first page, supervisor, search diallo by name" bench_sup "/api/v1/console/contacts?q=diallo&sort=name"
next=$(curl -fs -b "$work/bench_sup.cookies" "$url/api/v1/console/contacts?limit=500&sort=name" | jq -r .next)
timed "contacts next page by cursor, supervisor, by name" bench_sup "/api/v1/console/contacts?sort=name&cursor=$next"

rss_before=$(awk '/VmHWM/ { print $2 }' "/proc/$server/status")
cpu_before=$(awk '{ print $14 + $15 }' "/proc/$server/stat")
export_stats=$(curl -fs -b "$work/bench_admin.cookies" -o "$work/attendance.csv" \
    -w '%{time_total} %{size_download}' "$url/api/v1/exports/attendance.csv")
rss_after=$(awk '/VmHWM/ { print $2 }' "/proc/$server/status")
cpu_after=$(awk '{ print $14 + $15 }' "/proc/$server/stat")
lines=$(wc -l < "$work/attendance.csv")
read -r seconds bytes <<< "$export_stats"
printf 'CSV export of attendance: %d rows (+ header), %.1f MB in %.2f s\n' "$((lines - 1))" \
    "$(echo "$bytes / 1000000" | bc -l)" "$seconds"
printf 'server CPU time for the export: %.2f s\n' "$(echo "($cpu_after - $cpu_before) / $(getconf CLK_TCK)" | bc -l)"
printf 'server peak RSS (VmHWM): %.1f MB before the export, %.1f MB after\n' \
    "$(echo "$rss_before / 1024" | bc -l)" "$(echo "$rss_after / 1024" | bc -l)"
