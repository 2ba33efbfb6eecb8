#!/usr/bin/env bash
# The main job: compile the bundled llama fixture into an artifact and run it.
# Until the generation runtime lands this runs the full-sequence graph on the
# fixture's recorded test input and checks the logits against PyTorch's.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" ternion-compile ternion-run
bin=${TERNION_BUILD_DIR:-$root/build}/bin
models=$root/test/models
out=${TERNION_MAIN_OUT:-$root/build/main}
mkdir -p "$out"
"$bin/ternion-compile" "$models/llama/model.onnx" -o "$out/llama.tnx" --progress
"$bin/ternion-run" "$out/llama.tnx" \
  --input "$models/llama/test_data_set_0/input_0.pb" \
  --expected "$models/llama/test_data_set_0/output_0.pb" --atol 1e-4 --rtol 0
