#!/usr/bin/env bash
# Relais side by side with PouchDB/CouchDB replication and automerge-repo
# (issue 6; docs/benchmarks-compare.md).
#
#   bench/compare.sh                 the tiny version (under 3 minutes): checks
#                                    that everything runs and that Relais loses
#                                    nothing; report in target/bench-compare/
#   bench/compare.sh --scale full    the real run (about an hour and a half
#                                    on 2 cores, and 17 GiB of memory at its
#                                    peak: automerge-repo at 100,000
#                                    documents); writes
#                                    docs/benchmarks-compare.md and
#                                    docs/compare-chart.svg
#   bench/compare.sh --workloads w1,w3 --systems relais,pouchdb   a subset
#   bench/compare.sh --scale full --systems relais --merge FILE    rerun one
#                                    system, keeping the others' runs from FILE
#   bench/compare.sh --scale full --skip '{"automerge-repo": {"w2": "why"}}'
#                                    leave a run out (reported as skipped)
#
# Builds target/release/relais, installs the peers with `npm ci` in
# bench/compare (nothing of theirs is committed beyond the lock file), and
# runs bench/compare/run.mjs: for each workload and system, a fresh server on
# 127.0.0.1, a counting (and for W3 shaping) proxy, and the system's client.
# Exits non-zero when Relais loses an edit or a mark, its devices differ from
# the server, or a client fails.

set -euo pipefail

scale=tiny
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) scale="${2:?--scale needs tiny or full}"; shift ;;
        --workloads|--systems|--limit|--merge|--skip) extra+=("$1" "${2:?$1 needs a value}"); shift ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$scale" in tiny|full) ;; *) echo "--scale is tiny or full" >&2; exit 2 ;; esac

for tool in cargo node npm; do
    command -v "$tool" >/dev/null || { echo "bench/compare.sh needs $tool" >&2; exit 2; }
done

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/target/bench-compare"
docs="$out"
[ "$scale" = full ] && docs="$root/docs"
mkdir -p "$out"

# RELAIS_BIN names an already built binary (CI's tiny run reuses the one
# the tests built); otherwise the release binary is built.
relais_bin="${RELAIS_BIN:-}"
if [ -z "$relais_bin" ]; then
    echo "== building the release binary"
    (cd "$root" && RELAIS_SKIP_WEB="${RELAIS_SKIP_WEB:-1}" cargo build --release -p relais --quiet)
    relais_bin="$root/target/release/relais"
fi
[ -x "$relais_bin" ] || { echo "bench/compare.sh: $relais_bin is not an executable" >&2; exit 2; }

echo "== installing the peers (npm ci)"
if ! (cd "$root/bench/compare" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
    # npm 11 writes cbor-extract's optional platform packages into the lock
    # file's dependency list but not as entries, and its own `npm ci` then
    # refuses the lock; `npm install` installs the locked versions.
    echo "npm ci refused the lock file; installing the locked versions with npm install" >&2
    (cd "$root/bench/compare" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

echo "== checking the benchmark's own helpers"
node --test "$root/bench/compare/seed.test.mjs"

machine="$(
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" status --porcelain 2>/dev/null | grep -q . && echo ' (with uncommitted changes)')"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "memory: $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
)"

echo "== running ($scale)"
node "$root/bench/compare/run.mjs" --scale "$scale" --relais "$relais_bin" \
    --out "$out" --docs "$docs" --machine "$machine" "${extra[@]}"
echo "== report: $docs/benchmarks-compare.md"
