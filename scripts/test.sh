#!/usr/bin/env bash
# Builds Ternion and runs every test: the lit suite (which includes the unit tests).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
cmake --build "${TERNION_BUILD_DIR:-$root/build}" --target check-ternion
