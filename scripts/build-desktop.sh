#!/usr/bin/env bash
#! Builds the desktop app: the UI (ui/dist) and then the Tauri shell with the UI embedded (debug build).
#! Usage: scripts/build-desktop.sh [--release]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
profile=()
[ "${1:-}" = "--release" ] && profile=(--release)

cd "$root/ui"
# npm ci only when the lockfile changed since the last install (node_modules/.package-lock.json is npm's own copy)
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "build-desktop: installing UI dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund
fi
echo "build-desktop: building the UI" >&2
npm run build

cd "$root"
echo "build-desktop: building backdesk-desktop" >&2
cargo build -p backdesk-desktop --features custom-protocol "${profile[@]}"
