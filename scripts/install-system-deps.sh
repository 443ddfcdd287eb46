#!/usr/bin/env bash
#! Installs the Debian/Ubuntu packages Backdesk needs to build, run and test (idempotent).
# Runs apt-get as root, or through sudo when invoked by a normal user.
set -euo pipefail

packages=(
  # Tauri v2 shell (WebKitGTK 4.1) and its build
  build-essential pkg-config curl file libssl-dev
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  # end-to-end tests: a real window under Xvfb, driven over WebDriver
  webkit2gtk-driver xvfb xauth
  # OCR and PDF tooling
  libtesseract-dev libleptonica-dev libclang-dev clang
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra poppler-utils qpdf
  # OS keychain (Secret Service) for tests
  gnome-keyring dbus-x11 libsecret-1-dev libdbus-1-dev
  # inspection of the database in tests and by hand
  sqlite3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present" >&2
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "system packages: installing ${missing[*]}" >&2
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
