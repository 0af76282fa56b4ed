#!/usr/bin/env bash
# The VS Code extension in CI: build and package the platform .vsix as a
# release would (npm registry only), with the server binary inside; drive
# `copydesk lsp` from Node the way the extension does; then run the packaged
# extension in a real VS Code workbench (code-server + headless Chromium). Needs scripts/setup/40-vscode.sh's
# exports, which scripts/test provides.
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf '[vscode] +%ss %s\n' "$((SECONDS - started))" "$*" >&2; }
started=$SECONDS

# The binary under test; `cargo test` has built it already, so this is quick.
cargo build --locked --quiet --bin copydesk
export COPYDESK_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/copydesk"

(
  cd editors/vscode
  step "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  step "npm run build"
  npm run build --silent
  # The platform package for this machine, carrying the debug binary under
  # test (a release package carries `cargo build --release`'s).
  step "package the linux-x64 .vsix with the server inside"
  node scripts/package.mjs --target linux-x64 --binary "$COPYDESK_BIN"
  step "protocol check (node --test)"
  node --test test/*.test.mjs
)
step "build, package and protocol check took $((SECONDS - started)) s"

e2e_started=$SECONDS
scripts/e2e-vscode.sh editors/vscode/copydesk-linux-x64.vsix
step "code-server end to end took $((SECONDS - e2e_started)) s; total $((SECONDS - started)) s"
