#!/usr/bin/env bash
# Installs every Debian 12 package Ternion needs to build, test and make its fixtures.
# Safe to re-run; does nothing when everything is present.
set -euo pipefail

packages=(
  # Compiler toolchain: LLVM/MLIR 22 (bookworm-security), clang-22 + lld-22 for fast links.
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  # LLVM's OpenMP runtime: the parallel loops of the kernels (model.so links libomp).
  libomp-22-dev
  cmake ninja-build ccache
  # Sanitizer and libFuzzer runtimes (scripts/test.sh --sanitize, scripts/fuzz.sh).
  libclang-rt-22-dev
  # ONNX import: Debian's ONNX 1.12 protobuf bindings, and ONNX's conformance data.
  libonnx-dev libonnx-testdata libprotobuf-dev protobuf-compiler
  # Unit tests and tokenizer.
  libgtest-dev libsentencepiece-dev
  # Python (Debian's /usr/bin/python3) for fixtures and reference checks only.
  python3-torch python3-onnx python3-numpy python3-sentencepiece libopenblas0-pthread
  # The King James Bible: held-out text, and the training corpus (bible-kjv's reader).
  bible-kjv-text bible-kjv
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
