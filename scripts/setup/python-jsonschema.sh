#!/usr/bin/env bash
# Python with the `jsonschema` package, for the test that validates
# `copydesk check --format sarif` against the SARIF 2.1.0 schema
# (tests/fixtures/sarif/) and parses the XML formats.
#
# Prints `export COPYDESK_PYTHON=…` and nothing else on stdout. Uses the
# system python3 when it already has jsonschema; otherwise a virtualenv in
# $COPYDESK_CI_CACHE with jsonschema from PyPI; failing that, Debian's
# python3-jsonschema.
set -euo pipefail
cache="${COPYDESK_CI_CACHE:-$HOME/.cache/copydesk-ci}/python-jsonschema"

has_jsonschema() { "$1" -c 'import jsonschema' >/dev/null 2>&1; }

if command -v python3 >/dev/null && has_jsonschema python3; then
  echo "export COPYDESK_PYTHON=$(command -v python3)"
  exit 0
fi
if [ -x "$cache/bin/python" ] && has_jsonschema "$cache/bin/python"; then
  echo "export COPYDESK_PYTHON=$cache/bin/python"
  exit 0
fi
if command -v python3 >/dev/null && python3 -m venv "$cache" >&2 2>&1; then
  "$cache/bin/pip" install --quiet 'jsonschema>=4' >&2
  echo "export COPYDESK_PYTHON=$cache/bin/python"
  exit 0
fi
echo "python-jsonschema: no venv; installing Debian's python3-jsonschema" >&2
"$(dirname "$0")/../lib/apt-install" python3-jsonschema
echo "export COPYDESK_PYTHON=/usr/bin/python3"
