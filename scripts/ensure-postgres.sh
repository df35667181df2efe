#!/usr/bin/env bash
# Make sure PostgreSQL's server binaries exist (the tests start their own server on a loopback
# port). Installs Debian's `postgresql` package when they are missing, and stops the cluster the
# package starts, so that nothing is left running.
set -euo pipefail

found() {
  command -v initdb >/dev/null 2>&1 && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && return 0
  return 1
}

if found; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL server binaries (initdb, postgres) are missing; install Debian's 'postgresql' package." >&2
  exit 1
fi
echo "Installing Debian's postgresql package (its binaries are missing)..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql >/dev/null
# The package may start a cluster of its own; the tests do not use it.
if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters --no-header 2>/dev/null | while read -r version name _; do
    pg_ctlcluster "$version" "$name" stop >/dev/null 2>&1 || true
  done
fi
found || { echo "postgresql installed but initdb is still missing" >&2; exit 1; }
