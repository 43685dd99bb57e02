#!/usr/bin/env bash
# Export benchmark: time, CPU and peak memory of the attendance export
# (issue 4: 1,000,000 attendance rows in under 10 s, under 200 MB).
#
#   bench/export.sh                     1,000,000 attendance rows (2,000 sessions × 500 people)
#   bench/export.sh --rows N            about N attendance rows instead
#   bench/export.sh --baseline BIN      also time an older `relais` binary on the same data
#   bench/export.sh --runs N            repeat each measurement N times (default 1)
#   RELAIS_BIN=path bench/export.sh     time this binary instead of building one
#
# Builds the release binary, creates a data folder with one agency and an
# administrator, fills the projection tables directly with synthetic rows
# (exports read only the projection, so documents are not needed; 200,000
# contacts as in bench/console.sh, Arabic and accented names), then:
#  1. runs `relais export --table attendance` as CSV, JSON and pseudonymised
#     CSV under /usr/bin/time: wall seconds, CPU seconds, peak RSS;
#  2. starts `relais serve` on 127.0.0.1 and downloads
#     /api/v1/exports/attendance.csv as the administrator (HTTP Basic), as
#     curl sends it (no compression) and as a browser asks for it
#     (Accept-Encoding: gzip, deflate, br, zstd): wall seconds, the server's
#     CPU seconds (/proc/PID/stat) and peak RSS (VmHWM).
# With --baseline, each measurement runs with the old binary and then the
# new one, and the CSV files of both are compared byte for byte.
# Uses python3's sqlite3 module and curl; everything lives in a temporary
# folder removed on exit, and the servers started here are stopped.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

rows=1000000
baseline=""
runs=1
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows="${2:?--rows needs a number}"; shift ;;
        --baseline) baseline="${2:?--baseline needs a relais binary}"; shift ;;
        --runs) runs="${2:?--runs needs a number}"; shift ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

root="$(cd "$(dirname "$0")/.." && pwd)"
port="${RELAIS_BENCH_PORT:-18791}"
url="http://127.0.0.1:$port"
work="$(mktemp -d)"
server=""
stop_server() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    server=""
}
trap 'stop_server; rm -rf "$work"' EXIT
relais="${RELAIS_BIN:-}"
if [ -z "$relais" ]; then
    (cd "$root" && RELAIS_SKIP_WEB=1 cargo build --release --quiet -p relais)
    relais="$root/target/release/relais"
fi
binaries=("$relais")
[ -z "$baseline" ] || binaries=("$baseline" "$relais")
name_of() { if [ "$1" = "$relais" ]; then echo "new"; else echo "old"; fi; }

"$relais" agency add --data "$work" "Agence Bench" > "$work/agency"
echo "bench password" | "$relais" user add --data "$work" bench_admin --role admin > /dev/null

python3 - "$work/relais.sqlite" "$(cat "$work/agency")" "$rows" <<'PY'
import sqlite3, sys, uuid
path, agency, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
sessions = 2000
people = max(1, rows // sessions)
db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode=WAL")
user = str(uuid.uuid4())
contacts = [str(uuid.uuid4()) for _ in range(max(200000, people * 4))]
db.executemany(
    "INSERT INTO contacts (doc_id, agency_id, schema, created_by, created_at, given_name, family_name, phone, consent_given)"
    " VALUES (?, ?, 1, ?, '2026-11-29T10:00:00Z', ?, ?, ?, 1)",
    ((c, agency, user, f"محمد{i}", f"Lefèvre{i}", f"+336{i:08d}") for i, c in enumerate(contacts)))
session_ids = [str(uuid.uuid4()) for _ in range(sessions)]
db.executemany(
    "INSERT INTO sessions (doc_id, agency_id, schema, created_by, created_at, kind, topic, starts_at)"
    " VALUES (?, ?, 1, ?, '2026-11-29T10:00:00Z', 'information', 'Atelier CV', ?)",
    ((s, agency, user, f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00Z") for i, s in enumerate(session_ids)))
def marks():
    for i, s in enumerate(session_ids):
        for j in range(people):
            yield (s, contacts[(i * 7919 + j * 397) % len(contacts)], "present", user, "2026-11-29T10:00:00Z")
db.executemany("INSERT OR IGNORE INTO attendance VALUES (?, ?, ?, ?, ?)", marks())
db.commit()
print(f"{db.execute('SELECT COUNT(*) FROM attendance').fetchone()[0]} attendance rows, "
      f"{len(contacts)} contacts", file=sys.stderr)
PY

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== command line: relais export --table attendance"
# With --baseline: the old and the new build must have written the same bytes.
same_output() {
    [ -n "$baseline" ] || return 0
    if cmp -s "$1" "$2"; then
        echo "  old and new $3 are identical"
    else
        echo "  old and new $3 DIFFER" >&2; exit 1
    fi
}

for _ in $(seq 1 "$runs"); do
    for variant in "csv" "json" "csv --pseudonymise"; do
        for bin in "${binaries[@]}"; do
            set -- $variant
            format="$1"; shift
            out="$work/out-$(name_of "$bin").$format"
            rm -f "$out"
            /usr/bin/time -f "$(name_of "$bin") attendance $format $*: %e s wall, %U s user + %S s system CPU, peak RSS %M KB" \
                "$bin" export --data "$work" --table attendance --format "$format" "$@" --out "$out" 2>&1 \
                | grep -v "rows exported" || true
            printf '  %d bytes, load average %s\n' "$(stat -c %s "$out")" "$(cut -d' ' -f1-3 /proc/loadavg)"
        done
        same_output "$work/out-old.$format" "$work/out-new.$format" exports
    done
done

echo "== over HTTP: GET /api/v1/exports/attendance.csv as the administrator"
for _ in $(seq 1 "$runs"); do
    for encoding in "" "gzip, deflate, br, zstd"; do
        for bin in "${binaries[@]}"; do
            RELAIS_LOG=warn "$bin" serve --data "$work" --bind "127.0.0.1:$port" > "$work/server.log" 2>&1 &
            server=$!
            wait_healthy "$url" "$server" "$work/server.log" || exit 1
            out="$work/http-$(name_of "$bin").csv"
            rss_before=$(awk '/VmHWM/ { print $2 }' "/proc/$server/status")
            cpu_before=$(awk '{ print $14 + $15 }' "/proc/$server/stat")
            stats=$(curl -fs -u "bench_admin:bench password" ${encoding:+--compressed -H "Accept-Encoding: $encoding"} \
                -o "$out" -w '%{time_total} %{size_download}' "$url/api/v1/exports/attendance.csv")
            rss_after=$(awk '/VmHWM/ { print $2 }' "/proc/$server/status")
            cpu_after=$(awk '{ print $14 + $15 }' "/proc/$server/stat")
            load=$(cut -d' ' -f1-3 /proc/loadavg)
            stop_server
            read -r seconds bytes <<< "$stats"
            printf '%s, %s: %.2f s wall, server CPU %.2f s, server peak RSS %.1f MB (%.1f MB before), %.1f MB sent, %d bytes of CSV, load average %s\n' \
                "$(name_of "$bin")" "${encoding:-no Accept-Encoding}" "$seconds" \
                "$(echo "($cpu_after - $cpu_before) / $(getconf CLK_TCK)" | bc -l)" \
                "$(echo "$rss_after / 1024" | bc -l)" "$(echo "$rss_before / 1024" | bc -l)" \
                "$(echo "$bytes / 1000000" | bc -l)" "$(stat -c %s "$out")" "$load"
        done
        same_output "$work/http-old.csv" "$work/http-new.csv" downloads
    done
done
