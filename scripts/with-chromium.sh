#!/usr/bin/env bash
# Run a command with Debian's Chromium available for the browser tests.
# Installs the chromium package when no Chromium binary is found and exports PARKLOOP_CHROMIUM.
set -euo pipefail
find_chromium() {
  local c
  for c in "${PARKLOOP_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return; }
  done
}
chromium=$(find_chromium || true)
if [ -z "${chromium}" ]; then
  echo "with-chromium: no Chromium found; installing Debian's chromium" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  chromium=$(find_chromium)
fi
export PARKLOOP_CHROMIUM="$chromium"
exec "$@"
