#!/usr/bin/env bash
# Each fuzz target for a bounded time (default 60 s; FUZZ_SECONDS to change),
# then the crash fixtures through the regular tests. Needs nightly Rust and
# cargo-fuzz: rustup toolchain install nightly && cargo install cargo-fuzz.
# A crash leaves its input in fuzz/artifacts/<target>/ and fails the script:
# copy it to tests/tests/reliability/fixtures/<target>/ and fix the code.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${FUZZ_SECONDS:-60}"
targets=(decode_request apply_changes project_document)

# The instrumented build is long when cold: keep it outside the checkout so
# a fresh clone on the same machine reuses it (RELAIS_FUZZ_TARGET_DIR).
target_dir="${RELAIS_FUZZ_TARGET_DIR:-$HOME/.cache/relais/fuzz-target}"
mkdir -p "$target_dir"

cargo +nightly fuzz build -O --target-dir "$target_dir"
for target in "${targets[@]}"; do
  echo "== fuzz $target for ${seconds} s"
  mkdir -p "corpus/$target"
  # Start from the fixtures (former crashes and hand-made seeds).
  if [ -d "../tests/tests/reliability/fixtures/$target" ]; then
    cp -n ../tests/tests/reliability/fixtures/"$target"/* "corpus/$target/" 2>/dev/null || true
  fi
  cargo +nightly fuzz run -O --target-dir "$target_dir" "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 2>&1 \
    | grep -E "^(#|stat::number_of_executed_units|stat::peak_rss|==|SUMMARY|Done)" | tail -n 4
done
