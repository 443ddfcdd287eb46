#!/usr/bin/env bash
# Builds the fuzz targets with the stable toolchain (libFuzzer from libfuzzer-sys, SanitizerCoverage through
# plain -C flags, no sanitizer: what `cargo fuzz build --sanitizer none` does) and runs each for SECONDS on
# one core. Usage: fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]. Crashes land in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pdf_text text_extraction ocr_tsv)
triple="$(rustc -vV | sed -n 's/^host: //p')"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
# --target keeps the flags off build scripts and proc macros
cargo build --release --bins --target "$triple"
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    "target/$triple/release/$target" "corpus/$target" -jobs=1 -workers=1 -max_total_time="$seconds" \
        -timeout=10 -rss_limit_mb=2048 -artifact_prefix="artifacts/$target/" -print_final_stats=1
done
