#!/usr/bin/env bash
# Configures (once) and builds Ternion into ./build with clang-22, lld and ccache.
# TERNION_BUILD_DIR picks another build folder and TERNION_CMAKE_ARGS adds
# configure options (scripts/test.sh --sanitize uses both).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERNION_BUILD_DIR:-$root/build}
if [ ! -f "$build/build.ninja" ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # shellcheck disable=SC2206
  extra=(${TERNION_CMAKE_ARGS:-})
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    "${launcher[@]}" "${extra[@]}"
fi
if [ $# -gt 0 ]; then set -- --target "$@"; fi
cmake --build "$build" -j "${TERNION_JOBS:-2}" "$@"
