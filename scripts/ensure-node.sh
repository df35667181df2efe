#!/usr/bin/env bash
# The client tests need Node.js and npm (a generated TypeScript client, Spectral). Installs
# Debian's packages when they are missing; the packages themselves come from
# clients/package-lock.json (`npm ci`).
set -euo pipefail
command -v node >/dev/null && command -v npm >/dev/null && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "Node.js and npm are missing: install them (Debian: nodejs npm); the client tests need them." >&2
  exit 1
fi
echo "Installing Debian's nodejs and npm packages..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq nodejs npm >/dev/null
