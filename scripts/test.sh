#!/usr/bin/env bash
# Builds Ternion and runs every test: the lit suite (which includes the unit tests).
#
#   scripts/test.sh              ./build, as released
#   scripts/test.sh --sanitize   ./build-sanitize: every Ternion library, tool and
#                                test built with AddressSanitizer and
#                                UndefinedBehaviorSanitizer (and the fuzzers,
#                                scripts/fuzz.sh); any report fails its test
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
  "") ;;
  --sanitize)
    export TERNION_BUILD_DIR=${TERNION_BUILD_DIR:-$root/build-sanitize}
    export TERNION_CMAKE_ARGS="-DTERNION_SANITIZE=address,undefined -DTERNION_BUILD_FUZZERS=ON ${TERNION_CMAKE_ARGS:-}"
    # Leaks are findings too; MLIR's and LLVM's process-lifetime singletons
    # are not leaks (they are reachable at exit), so the defaults hold.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    ;;
  *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
esac
"$root/scripts/build.sh"
cmake --build "${TERNION_BUILD_DIR:-$root/build}" --target check-ternion
