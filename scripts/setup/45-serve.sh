#!/usr/bin/env bash
# Installs what the `copydesk serve` browser test (tests/serve_e2e.rs) needs,
# idempotently, cached outside the clone under $COPYDESK_CI_CACHE, keyed by
# version: Debian's chromium, and playwright-core with axe-core
# (npm) in a folder of their own. Prints nothing but `export NAME=value`
# lines on stdout; progress goes to stderr. Node and npm come from PATH
# (as for the other setups).
set -euo pipefail

PLAYWRIGHT_CORE_VERSION=1.64.1
AXE_CORE_VERSION=4.14.1

exec 3>&1 1>&2
cache="${COPYDESK_CI_CACHE:-$HOME/.cache/copydesk-ci}"
mkdir -p "$cache"
log() { printf '[setup serve] %s\n' "$*"; }

"$(dirname "$0")/../lib/apt-install" chromium
command -v node >/dev/null && command -v npm >/dev/null || { log "needs node and npm on PATH"; exit 1; }

dir="$cache/serve-e2e-playwright-$PLAYWRIGHT_CORE_VERSION-axe-$AXE_CORE_VERSION"
if [ ! -f "$dir/node_modules/axe-core/axe.min.js" ] || [ ! -f "$dir/node_modules/playwright-core/package.json" ]; then
  log "installing playwright-core $PLAYWRIGHT_CORE_VERSION and axe-core $AXE_CORE_VERSION"
  # Into DIR.tmp, renamed when complete: an interrupted install never looks finished.
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  printf '{"private": true}\n' >"$dir.tmp/package.json"
  (cd "$dir.tmp" && npm install --no-package-lock --no-audit --no-fund --loglevel=error \
    "playwright-core@$PLAYWRIGHT_CORE_VERSION" "axe-core@$AXE_CORE_VERSION")
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
fi

{
  printf 'export COPYDESK_SERVE_E2E_MODULES=%q\n' "$dir/node_modules"
  printf 'export COPYDESK_NODE=%q\n' "$(command -v node)"
  printf 'export COPYDESK_CHROMIUM=%q\n' "$(command -v chromium)"
} >&3
