#!/usr/bin/env bash
# Fuzzing, longer than `cargo test`'s quick pass: the proptest fuzz targets
# for the language server's input framing (tests/fuzz_framing.rs) and the
# document model (tests/fuzz_document.rs), with many more cases. Bounded:
# a run that outlives COPYDESK_FUZZ_SECONDS per target fails (a hang is a
# bug). Failing inputs are saved under proptest-regressions/ and replayed
# first by every later run; commit them with the fix.
set -euo pipefail
cd "$(dirname "$0")/../.."

framing="${COPYDESK_FUZZ_FRAMING_CASES:-3000}"
document="${COPYDESK_FUZZ_DOCUMENT_CASES:-500}"
limit="${COPYDESK_FUZZ_SECONDS:-400}"

run() {
  local target="$1" cases="$2" status=0
  printf '[fuzz] %s: %s cases (at most %ss)\n' "$target" "$cases" "$limit" >&2
  COPYDESK_FUZZ_CASES="$cases" timeout "$limit" \
    cargo test --locked --quiet --test integration "$target::" || status=$?
  if [ "$status" = 124 ]; then
    echo "[fuzz] $target did not finish in ${limit}s" >&2
  fi
  return "$status"
}

run fuzz_framing "$framing"
run fuzz_document "$document"
