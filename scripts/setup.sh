#!/usr/bin/env bash
#! Installs everything Backdesk needs on Debian 12 / Ubuntu 22.04+: system packages, the pinned Rust
#! toolchain's components, the UI's npm packages (from the lockfile) and tauri-driver for the e2e tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' is not installed. $2" >&2; exit 3; }
}

bash scripts/install-system-deps.sh

need cargo "Install Rust with rustup (https://rustup.rs explains how), then run this again."
need node "Install Node.js 20 (Debian/Ubuntu: the nodejs package from NodeSource or your distribution), then run this again."
need npm "Install npm (it comes with Node.js 20), then run this again."

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js $node_major is too old; Backdesk's UI tooling needs Node.js 20 or newer." >&2
  exit 3
fi

# the toolchain pinned in rust-toolchain.toml: newer rustup versions do not always install it on first use
if command -v rustup >/dev/null 2>&1 && ! rustup show active-toolchain >/dev/null 2>&1; then
  echo "setup: installing the Rust toolchain pinned in rust-toolchain.toml" >&2
  rustup toolchain install
fi
cargo --version >/dev/null

if [ -f ui/package-lock.json ]; then
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    echo "setup: installing UI packages from the lockfile" >&2
    (cd ui && npm ci --no-audit --no-fund)
  fi
fi

if [ -f tests/e2e/package-lock.json ]; then
  if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
    (cd tests/e2e && npm ci --no-audit --no-fund)
  fi
fi

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "setup: installing tauri-driver (WebDriver bridge for the end-to-end tests)" >&2
  cargo install tauri-driver --locked --version '^2.0'
fi
echo "setup: done" >&2
