#!/usr/bin/env bash
# End to end in a real VS Code workbench: installs the copydesk .vsix into
# code-server, opens a fixture post in headless Chromium, and asserts in the
# UI that the Problems panel lists copydesk's findings and that a quick fix
# changes the text. Screenshots and logs go to target/e2e-vscode/.
#
# Usage: scripts/e2e-vscode.sh [path/to/copydesk.vsix]
# Needs the tools scripts/setup/40-vscode.sh installs (it is run when its
# variables are not set), a built copydesk (target/debug/copydesk, or
# $COPYDESK_BIN), and a packaged .vsix (editors/vscode/copydesk.vsix by
# default: `cd editors/vscode && npm ci && npm run package`).
set -euo pipefail
cd "$(dirname "$0")/.."
repository="$PWD"

if [ -z "${COPYDESK_CODE_SERVER:-}" ] || [ -z "${COPYDESK_PLAYWRIGHT_CORE:-}" ]; then
  eval "$(bash scripts/setup/40-vscode.sh)"
fi
vsix="$(realpath "${1:-editors/vscode/copydesk.vsix}")"
binary="$(realpath "${COPYDESK_BIN:-target/debug/copydesk}")"
[ -f "$vsix" ] || { echo "e2e-vscode: no .vsix at $vsix (cd editors/vscode && npm run package)" >&2; exit 2; }
[ -x "$binary" ] || { echo "e2e-vscode: no copydesk binary at $binary (cargo build)" >&2; exit 2; }

artifacts="$repository/target/e2e-vscode"
rm -rf "$artifacts"
mkdir -p "$artifacts"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/copydesk-e2e-vscode.XXXXXX")"
code_server_pid=""
cleanup() {
  if [ -n "$code_server_pid" ]; then
    kill "$code_server_pid" 2>/dev/null || true
    wait "$code_server_pid" 2>/dev/null || true
  fi
  # VS Code's own logs, the extension's output channel among them.
  cp -r "$scratch/user-data/logs" "$artifacts/vscode-logs" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

user_data="$scratch/user-data"
extensions="$scratch/extensions"
workspace="$scratch/workspace"
mkdir -p "$user_data/User" "$extensions" "$workspace"
cp editors/vscode/test/fixtures/post.md "$workspace/post.md"

# The server runs through a wrapper that records both directions, so a
# failure can be read message by message (and the initialize request can be
# re-captured as the protocol test's fixture by
# editors/vscode/scripts/capture-initialize.mjs).
server="$scratch/copydesk-recording"
cat >"$server" <<EOF
#!/bin/sh
tee "$artifacts/client-to-server.jsonrpc" | "$binary" "\$@" | tee "$artifacts/server-to-client.jsonrpc"
EOF
chmod +x "$server"

# copydesk.path is machine-scoped (a path on the machine that runs the
# server) and code-server's workbench is a remote one, so the path goes in
# the Machine settings as well as the User settings.
mkdir -p "$user_data/Machine"
printf '{ "copydesk.path": "%s" }\n' "$server" >"$user_data/Machine/settings.json"
cat >"$user_data/User/settings.json" <<EOF
{
  "copydesk.path": "$server",
  "copydesk.trace.server": "verbose",
  "workbench.startupEditor": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.tips.enabled": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "security.workspace.trust.enabled": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "chat.disableAIFeatures": true,
  "editor.minimap.enabled": false,
  "files.autoSave": "off"
}
EOF

code_server=("$COPYDESK_CODE_SERVER" --user-data-dir "$user_data" --extensions-dir "$extensions")
started=$SECONDS
"${code_server[@]}" --install-extension "$vsix" >"$artifacts/install-extension.log" 2>&1 || {
  cat "$artifacts/install-extension.log" >&2
  exit 1
}

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"${code_server[@]}" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --ignore-last-opened "$workspace" \
  >"$artifacts/code-server.log" 2>&1 &
code_server_pid=$!
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  kill -0 "$code_server_pid" 2>/dev/null || { cat "$artifacts/code-server.log" >&2; exit 1; }
  sleep 0.5
done
echo "e2e-vscode: code-server up on port $port after $((SECONDS - started)) s" >&2

COPYDESK_E2E_URL="http://127.0.0.1:$port/?folder=$workspace" \
  COPYDESK_E2E_WORKSPACE="$workspace" \
  COPYDESK_E2E_ARTIFACTS="$artifacts" \
  COPYDESK_CHROMIUM="${COPYDESK_CHROMIUM:-/usr/bin/chromium}" \
  node editors/vscode/e2e/e2e.mjs
echo "e2e-vscode: passed in $((SECONDS - started)) s; screenshots in $artifacts" >&2
