#!/usr/bin/env bash
# The main job until code generation lands: import the bundled llama fixture
# and print its optimized IR (linear layers and attention fused), weights elided.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" ternion-opt ternion-translate
model=${1:-$root/test/models/llama/model.onnx}
bin=${TERNION_BUILD_DIR:-$root/build}/bin
"$bin/ternion-translate" --import-onnx "$model" \
  | "$bin/ternion-opt" --tern-optimize --mlir-elide-resource-strings-if-larger=16
