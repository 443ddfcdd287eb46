#!/usr/bin/env bash
#! Runs every check and test, in the order CI runs them: format, lint, core tests, UI checks and unit tests,
#! the desktop build, and the end-to-end test of the real app under Xvfb over WebDriver.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# CI builds once from a clean checkout: incremental caches would only take disk (gigabytes) without ever being reused
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
# what the build may use: a full disk shows up as a linker killed by SIGBUS, so every run prints what was free
disk_report() { df -h . | awk 'NR == 2 { print "disk: " $4 " free of " $2 }' >&2; }
disk_report
trap disk_report EXIT

step() { printf '\n== %s\n' "$*" >&2; }

step "format"
cargo fmt --all -- --check

step "lint (core and desktop shell)"
cargo clippy --workspace --all-targets -- -D warnings

step "the core builds without any GUI library"
for gui in tauri wry webkit2gtk gtk; do
  if cargo tree -p backdesk -e normal,build -i "$gui" >/dev/null 2>&1; then
    echo "the core crate depends on $gui: keep GUI dependencies in src-tauri only" >&2
    exit 1
  fi
done

step "core tests"
bash scripts/with-keyring.sh cargo test --workspace --exclude backdesk-desktop

step "UI: type-check, lint, unit tests"
(cd ui && npm run check && npm run lint && npm test)

step "desktop build and end-to-end test in a real window"
bash scripts/e2e.sh

step "desktop shell unit tests"
# same features as the e2e build, so the Tauri dependencies built above are reused
cargo test -p backdesk-desktop --features custom-protocol

step "all checks passed"
