#!/usr/bin/env bash
#! Sets everything up, builds the desktop app and opens it on the demo workspace
#! (a separate data directory; pass --data-dir DIR to open another one).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-desktop.sh
exec target/debug/backdesk-desktop --demo "$@"
