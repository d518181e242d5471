#!/usr/bin/env bash
# Installs a headless-capable Chromium-family browser for the HTML export test, on Debian and on Ubuntu.
# Debian packages the real Chromium. Ubuntu's "chromium-browser" package is only a stub that installs a snap, which
# containers cannot run, so there it installs Google Chrome from Google's apt repository instead.
# Run as root (CI, a dev container). Does nothing when a browser is already on PATH.
set -euo pipefail
# Not chromium-browser (Ubuntu's snap stub), nor anything under /snap (snaps do not run in containers).
for browser in chromium google-chrome google-chrome-stable; do
  path="$(command -v "$browser" 2> /dev/null || true)"
  if [ -n "$path" ] && [[ "$(readlink -f "$path")" != /snap/* ]]; then
    echo "browser: $path"; exit 0
  fi
done

. /etc/os-release
export DEBIAN_FRONTEND=noninteractive
case "${ID}" in
  debian)
    apt-get update
    apt-get install -y --no-install-recommends chromium
    ;;
  ubuntu)
    apt-get update
    apt-get install -y --no-install-recommends ca-certificates curl gnupg
    install -d -m 0755 /etc/apt/keyrings
    curl -fsSL https://dl.google.com/linux/linux_signing_key.pub | gpg --dearmor -o /etc/apt/keyrings/google-chrome.gpg
    echo "deb [arch=amd64 signed-by=/etc/apt/keyrings/google-chrome.gpg] https://dl.google.com/linux/chrome/deb/ stable main" \
      > /etc/apt/sources.list.d/google-chrome.list
    apt-get update
    apt-get install -y --no-install-recommends google-chrome-stable
    ;;
  *)
    echo "No browser install for ${ID}: install Chromium or Chrome yourself, or set BERTNB_CHROMIUM to one." >&2
    exit 1
    ;;
esac
