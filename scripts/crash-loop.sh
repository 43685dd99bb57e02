#!/usr/bin/env bash
# Crash safety, the long run: kill -9 the server at random moments, 50 times
# (or $1), while 30 phones (or $2) create, edit and sync. After every kill the
# test checks PRAGMA integrity_check, every acknowledged change, and that the
# projection equals a fresh `relais reproject`; at the end every phone must
# hold exactly what the server holds. The short version (4 kills) runs with
# the other tests: cargo test -p relais-tests --test reliability crash.
#
#   scripts/crash-loop.sh [kills] [phones] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."

kills="${1:-50}"
phones="${2:-30}"
seed="${3:-$RANDOM}"

# The test runs target/<profile>/relais: build it with the same profile.
cargo build --release -p relais
echo "== $kills kills with $phones phones (seed $seed)"
RELAIS_CRASH_KILLS="$kills" RELAIS_CRASH_PHONES="$phones" RELAIS_CRASH_SEED="$seed" \
  cargo test --release -p relais-tests --test reliability -- \
  --exact crash::every_acknowledged_change_survives_kill_nine_at_random_moments --nocapture
