#!/usr/bin/env bash
# Thirty phones doing a day's work through the fault-injecting proxy on a 2G
# profile (about 50 kbit/s up, 250 kbit/s down, 600 ms round trip, with cut,
# truncated, duplicated and late requests), until they converge. Prints the
# time and bytes to convergence (docs/reliability.md, "A bad network").
#
#   bench/network.sh [rounds]     rounds of offline work (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p relais
RELAIS_ROUNDS="${1:-1}" cargo test --release -p relais-tests --test reliability -- \
  --ignored --exact network::thirty_phones_converge_over_two_g --nocapture
