#!/usr/bin/env bash
#! Runs a command with a real, unlocked Secret Service (gnome-keyring) on a private D-Bus session, so the
#! keychain tests talk to the real thing headless: `bash scripts/with-keyring.sh cargo test --test integration sync_`.
#! Inside an existing session that already has an unlocked keyring, runs the command as it is.
set -euo pipefail
if [ "${BACKDESK_KEYRING_READY:-}" = "1" ]; then
  exec "$@"
fi
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-keyring: dbus-run-session and gnome-keyring-daemon are needed (scripts/install-system-deps.sh)" >&2
  exit 3
fi
exec dbus-run-session -- sh -c '
  printf backdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  BACKDESK_KEYRING_READY=1 exec "$@"' sh "$@"
