#!/usr/bin/env bash
# Installs the npm packages the `copydesk serve` editor bundle is built
# from (src/serve/page/editor/package-lock.json: CodeMirror 6 and esbuild),
# idempotently, cached outside the clone under $COPYDESK_CI_CACHE, keyed by
# a hash of the lock file, so tests/serve_editor.rs can check that the
# committed bundle is what a fresh build gives. Prints nothing but
# `export NAME=value` lines on stdout; progress goes to stderr.
set -euo pipefail

exec 3>&1 1>&2
cache="${COPYDESK_CI_CACHE:-$HOME/.cache/copydesk-ci}"
mkdir -p "$cache"
log() { printf '[setup serve-editor] %s\n' "$*"; }
command -v node >/dev/null && command -v npm >/dev/null || { log "needs node and npm on PATH"; exit 1; }

src="$(cd "$(dirname "$0")/../../src/serve/page/editor" && pwd)"
key="$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-16)"
dir="$cache/serve-editor-$key"
if [ ! -f "$dir/node_modules/esbuild/package.json" ] || [ ! -f "$dir/node_modules/@codemirror/view/LICENSE" ]; then
  log "installing the editor's locked npm packages into $dir"
  # Into DIR.tmp, renamed when complete: an interrupted install never looks finished.
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  cp "$src/package.json" "$src/package-lock.json" "$dir.tmp/"
  (cd "$dir.tmp" && npm ci --no-audit --no-fund --loglevel=error)
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
fi

printf 'export COPYDESK_SERVE_EDITOR_MODULES=%q\n' "$dir/node_modules" >&3
