#!/usr/bin/env bash
# Prepares the browser tests: Debian's Chromium (Playwright cannot download its own
# browser here) and the web app's npm packages (playwright-core among them).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "web/e2e/setup.sh: /usr/bin/chromium is missing; install Debian's chromium package (as root: apt-get install -y chromium)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# (Debian's wrapper script may print a harmless shell warning on stderr.)
echo "$(/usr/bin/chromium --version 2>/dev/null || true)"

# Same rule as crates/web/build.rs: install only when node_modules is missing or stale.
if [ ! -d node_modules ] || ! cmp -s package-lock.json node_modules/.cuenca-package-lock.json; then
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.cuenca-package-lock.json
fi
