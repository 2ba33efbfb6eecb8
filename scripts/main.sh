#!/usr/bin/env bash
# The main job: compile the bundled llama fixture (its KV-cache graph, with
# its SentencePiece tokenizer) into an artifact and generate text from a
# prompt. Usage: scripts/main.sh ["prompt"] [tokens]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" ternion-compile ternion-run
bin=${TERNION_BUILD_DIR:-$root/build}/bin
model=$root/test/models/llama
out=${TERNION_MAIN_OUT:-$root/build/main}
mkdir -p "$out"
"$bin/ternion-compile" "$model/model-kv.onnx" -o "$out/llama.tnx" --progress \
  --tokenizer "$model/tokenizer.model" --max-context 512
"$bin/ternion-run" "$out/llama.tnx" --prompt "${1:-In the beginning God created}" \
  -n "${2:-64}" --bench
