#!/usr/bin/env bash
# The explorer's browser test drives Debian's Chromium (Playwright's own browser download is not
# used). Installs the `chromium` package when it is missing.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "Chromium is missing: install Debian's 'chromium' package (the explorer test needs it)." >&2
  exit 1
fi
echo "Installing Debian's chromium package..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
