#!/usr/bin/env bash
# Regenerates the op, attribute and pass references from the .td files and
# copies them into docs/reference/ (test/Docs/reference-docs.test checks them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERNION_BUILD_DIR:-$root/build}
"$root/scripts/build.sh" ternion-docs
mkdir -p "$root/docs/reference"
for doc in tern-dialect graph-passes conversion-passes cpu-passes cuda-passes artifact-passes; do
  cp "$build/docs/$doc.md" "$root/docs/reference/$doc.md"
done
echo "docs/reference/ updated from $build/docs"
