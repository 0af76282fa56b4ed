#!/usr/bin/env bash
# End to end in a real VS Code workbench: installs the platform .vsix (which
# carries its own copydesk server) into code-server with no copydesk on PATH
# and no copydesk.path, opens a fixture post in headless Chromium, and asserts
# in the UI that the Problems panel lists copydesk's findings (from the
# bundled server) and that a quick fix changes the text; then that
# copydesk.path overrides the bundled server. Screenshots and logs go to
# target/e2e-vscode/.
#
# Usage: scripts/e2e-vscode.sh [path/to/copydesk-linux-x64.vsix]
# Needs the tools scripts/setup/40-vscode.sh installs (it is run when its
# variables are not set), a built copydesk (target/debug/copydesk, or
# $COPYDESK_BIN) for the copydesk.path step, and a platform .vsix
# (editors/vscode/copydesk-linux-x64.vsix by default:
# `cd editors/vscode && npm ci && npm run package`).
set -euo pipefail
cd "$(dirname "$0")/.."
repository="$PWD"

if [ -z "${COPYDESK_CODE_SERVER:-}" ] || [ -z "${COPYDESK_PLAYWRIGHT_CORE:-}" ]; then
  eval "$(bash scripts/setup/40-vscode.sh)"
fi
vsix="$(realpath "${1:-editors/vscode/copydesk-linux-x64.vsix}")"
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

# The copydesk.path step points the setting at a wrapper that records both
# directions, so the override is seen working and the traffic can be read
# message by message (and its initialize request re-captured as the protocol
# test's fixture by editors/vscode/scripts/capture-initialize.mjs).
server="$scratch/copydesk-recording"
cat >"$server" <<EOF
#!/bin/sh
tee "$artifacts/client-to-server.jsonrpc" | "$binary" "\$@" | tee "$artifacts/server-to-client.jsonrpc"
EOF
chmod +x "$server"

# No copydesk.path and no copydesk on PATH: the only server there is to find
# is the one inside the .vsix.
cat >"$user_data/User/settings.json" <<EOF
{
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

# PATH without any folder that holds a copydesk (cargo's bin, this clone's
# target), so a server found on PATH cannot stand in for the bundled one.
clean_path=""
IFS=: read -ra path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
  [ -n "$dir" ] && [ ! -e "$dir/copydesk" ] && clean_path="${clean_path:+$clean_path:}$dir"
done
if PATH="$clean_path" command -v copydesk >/dev/null; then
  echo "e2e-vscode: copydesk is still on PATH ($clean_path)" >&2
  exit 1
fi

code_server=(env PATH="$clean_path" "$COPYDESK_CODE_SERVER" --user-data-dir "$user_data" --extensions-dir "$extensions")
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
  COPYDESK_E2E_EXTENSIONS="$extensions" \
  COPYDESK_E2E_LOGS="$user_data/logs" \
  COPYDESK_E2E_RECORDING_SERVER="$server" \
  COPYDESK_E2E_ARTIFACTS="$artifacts" \
  COPYDESK_CHROMIUM="${COPYDESK_CHROMIUM:-/usr/bin/chromium}" \
  node editors/vscode/e2e/e2e.mjs
echo "e2e-vscode: passed in $((SECONDS - started)) s; screenshots in $artifacts" >&2
