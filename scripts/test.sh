#!/usr/bin/env bash
# Every test of Relais, in the order that lets each step use the previous one:
#   1. the agents' app: type check, unit tests, production build (web/dist);
#   2. the Rust workspace (unit, end-to-end, fault and CLI tests), which also
#      builds the `relais` binary with web/dist embedded;
#   3. the browser tests, in Chromium, against that binary.
# Needs Node.js/npm, Rust, and Debian's chromium (apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== web: install, type check, unit tests, build"
(
  cd web
  [ -d node_modules ] || npm ci --no-audit --no-fund
  npm run typecheck
  npm test
  npm run build
)

echo "== rust: cargo test --workspace"
cargo test --workspace

echo "== browser tests against the relais binary"
# `cargo test --workspace` has just built target/debug/relais (the CLI tests
# run it), with web/dist embedded.
web/scripts/e2e-local.sh
