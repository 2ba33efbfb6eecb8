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
    # shellcheck source=scripts/sanitizer-options.sh
    source "$root/scripts/sanitizer-options.sh"
    ;;
  *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
esac
"$root/scripts/build.sh"
cmake --build "${TERNION_BUILD_DIR:-$root/build}" --target check-ternion
