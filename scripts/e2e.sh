#!/usr/bin/env bash
#! End-to-end tests of the desktop app: builds it, opens it in a real window (WebKitGTK under Xvfb) through
#! tauri-driver + WebKitWebDriver, runs every tests/e2e/*.test.mjs with node --test (one after the other:
#! one app window at a time), saves screenshots to tests/e2e/artifacts/, prints the performance table of the
#! 50,000-invoice run, and tears everything down. Exits non-zero on failure.
#! Usage: scripts/e2e.sh [--no-build]
#!   BACKDESK_E2E_INVOICES=N   the size of the performance run (default 50,000)
#!   BACKDESK_E2E_ONLY=TEXT    run only the test files whose name contains TEXT (e.g. `perf`, `desktop`)
#!   BACKDESK_E2E_RELEASE=1    build (unless --no-build) and test the release app instead of the debug one
#! The app gets a private unlocked gnome-keyring, a local Xero identity server's URL and a scripted browser
#! (BACKDESK_BROWSER=tests/e2e/browser.mjs) for the Connections sign-in.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

profile=debug
[ "${BACKDESK_E2E_RELEASE:-}" = "1" ] && profile=release

if [ "${1:-}" != "--no-build" ]; then
  if [ "$profile" = release ]; then scripts/build-desktop.sh --release; else scripts/build-desktop.sh; fi
  # the core's CLI: the tests ask it what the workspace holds; the seeder fills the performance workspace
  cargo build -p backdesk --bin backdesk --example seed_synthetic
fi

target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
app="$target_dir/$profile/backdesk-desktop"
cli="$target_dir/debug/backdesk"
seeder="$target_dir/debug/examples/seed_synthetic"
for binary in "$app" "$cli" "$seeder"; do
  [ -x "$binary" ] || { echo "e2e: $binary is missing; run without --no-build" >&2; exit 2; }
done

if ! command -v tauri-driver >/dev/null; then
  echo "e2e: installing tauri-driver" >&2
  cargo install tauri-driver --locked --version '^2.0'
fi
command -v WebKitWebDriver >/dev/null || { echo "e2e: WebKitWebDriver missing: run scripts/install-system-deps.sh" >&2; exit 2; }
command -v xvfb-run >/dev/null || { echo "e2e: xvfb-run missing: run scripts/install-system-deps.sh" >&2; exit 2; }

# Everything the app writes goes under one temp dir: the workspace and a throwaway HOME (config, caches).
work="$(mktemp -d "${TMPDIR:-/tmp}/backdesk-e2e.XXXXXX")"
# free ports of our own: other checkouts may run their e2e on this machine at the same time, and
# tauri-driver's defaults (4444, and 4445 for WebKitWebDriver) would send our requests to their windows
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port="${TAURI_DRIVER_PORT:-$(free_port)}"
native_port="$(free_port)"
# the Connections test signs in against a local identity server (tests/e2e/identity.mjs) through a scripted
# browser, with tokens in a real Secret Service (gnome-keyring on a private D-Bus session, scripts/with-keyring.sh)
identity_port="$(free_port)"
export BACKDESK_E2E_IDENTITY_PORT="$identity_port" BACKDESK_XERO_IDENTITY_URL="http://127.0.0.1:$identity_port" \
  BACKDESK_BROWSER="$root/tests/e2e/browser.mjs"
# the status test syncs with a connected Xero that cannot be reached: its API is a port nobody listens on
export BACKDESK_XERO_API_URL="http://127.0.0.1:$(free_port)/api.xro/2.0"
driver_pid=""
cleanup() {
  if [ -n "$driver_pid" ] && kill -0 "$driver_pid" 2>/dev/null; then
    kill -- "-$driver_pid" 2>/dev/null || kill "$driver_pid" 2>/dev/null || true
    wait "$driver_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

test_files=()
for file in "$root"/tests/e2e/*.test.mjs; do
  case "$(basename "$file")" in *"${BACKDESK_E2E_ONLY:-}"*) test_files+=("$file") ;; esac
done
[ "${#test_files[@]}" -gt 0 ] || { echo "e2e: no test file matches BACKDESK_E2E_ONLY=$BACKDESK_E2E_ONLY" >&2; exit 2; }
echo "e2e: the $profile app; ${#test_files[@]} test file(s)" >&2

mkdir -p "$work/home" "$root/tests/e2e/artifacts"
rm -f "$root/tests/e2e/artifacts/"*.png "$root/tests/e2e/artifacts/"*.txt

export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
  XDG_CACHE_HOME="$work/home/.cache"

# tauri-driver under its own X server, in its own process group so teardown reaches WebKitWebDriver and the app
keyring=()
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  keyring=(bash "$root/scripts/with-keyring.sh")
fi
setsid xvfb-run -a -s "-screen 0 1280x800x24" "${keyring[@]}" \
  tauri-driver --port "$port" --native-port "$native_port" >"$work/driver.log" 2>&1 &
driver_pid=$!

status=0
TAURI_DRIVER_URL="http://127.0.0.1:$port" BACKDESK_APP="$app" BACKDESK_CLI="$cli" BACKDESK_SEEDER="$seeder" \
  BACKDESK_E2E_DATA_DIR="$work/data" BACKDESK_E2E_HOME="$work/home" \
  BACKDESK_E2E_ARTIFACTS="$root/tests/e2e/artifacts" \
  node --test --test-concurrency=1 --test-reporter=spec "${test_files[@]}" || status=$?

if [ "$status" -ne 0 ]; then
  echo "e2e: FAILED (exit $status); tauri-driver log:" >&2
  tail -n 60 "$work/driver.log" >&2 || true
else
  echo "e2e: passed; screenshots in tests/e2e/artifacts/" >&2
fi
exit "$status"
