#!/usr/bin/env bash
# Export benchmark: time and peak memory of `relais export` over a large
# projection (issue 4: 1,000,000 attendance rows in under 10 s, under 200 MB).
#
#   bench/export.sh                 1,000,000 attendance rows (2,000 sessions × 500 people)
#   bench/export.sh --rows N        about N attendance rows instead
#
# Builds the release binary, creates a data folder with one agency, fills the
# projection tables directly with synthetic rows (exports read only the
# projection, so documents are not needed), then runs
# `relais export --table attendance` as CSV, JSON and pseudonymised CSV under
# /usr/bin/time, printing wall seconds and peak RSS of each. Uses python3's
# sqlite3 module; everything lives in a temporary folder removed on exit.

set -euo pipefail

rows=1000000
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows="${2:?--rows needs a number}"; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$root" && cargo build --release --quiet -p relais)
relais="$root/target/release/relais"
"$relais" agency add --data "$work" "Agence Bench" > "$work/agency"

python3 - "$work/relais.sqlite" "$(cat "$work/agency")" "$rows" <<'PY'
import sqlite3, sys, uuid
path, agency, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
sessions = 2000
people = max(1, rows // sessions)
db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode=WAL")
user = str(uuid.uuid4())
contacts = [str(uuid.uuid4()) for _ in range(people * 4)]
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
            yield (s, contacts[(i * 7 + j) % len(contacts)], "present", user, "2026-11-29T10:00:00Z")
db.executemany("INSERT OR IGNORE INTO attendance VALUES (?, ?, ?, ?, ?)", marks())
db.commit()
print(f"{db.execute('SELECT COUNT(*) FROM attendance').fetchone()[0]} attendance rows", file=sys.stderr)
PY

for variant in "csv" "json" "csv --pseudonymise"; do
    set -- $variant
    format="$1"; shift
    /usr/bin/time -f "attendance $format $*: %e s, peak RSS %M KB" \
        "$relais" export --data "$work" --table attendance --format "$format" "$@" --out "$work/out.$format" 2>&1 \
        | grep -v "rows exported" || true
    ls -l "$work/out.$format" | awk '{ printf "  %d bytes\n", $5 }'
    rm -f "$work/out.$format"
done
