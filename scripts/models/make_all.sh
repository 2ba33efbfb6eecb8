#!/bin/sh
# Regenerate every model fixture in test/models from scratch (~35-45 min on the 2-core
# development machine; CI never runs this). Needs Debian packages python3-torch python3-onnx
# python3-numpy python3-sentencepiece libopenblas0-pthread bible-kjv bible-kjv-text.
# Two training processes run side by side, one torch thread each:
#   A: llama -> bitnet (fine-tuned from llama)
#   B: draft -> draft-bytes -> gpt2-tiny -> llama-long (fine-tuned from llama, after A's llama)
# Intermediate files: $TERNION_MODELS_WORK (default /tmp/ternion-models-work), logs there too.
# Output: $TERNION_MODELS_OUT (default test/models of this checkout).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
export TERNION_MODELS_WORK="${TERNION_MODELS_WORK:-/tmp/ternion-models-work}"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONDONTWRITEBYTECODE=1
out="${TERNION_MODELS_OUT:-$root/test/models}"
mkdir -p "$TERNION_MODELS_WORK" "$out"
log="$TERNION_MODELS_WORK"
start=$(date +%s)
build() { nice -n 10 "$PY" "$here/build_model.py" "$1" --out "$out" > "$log/run-$1.out" 2>&1 || { echo "FAILED: $1 (see $log/run-$1.out)"; return 1; }; echo "done: $1 ($(( $(date +%s) - start ))s)"; }

rm -f "$TERNION_MODELS_WORK"/*.pt "$TERNION_MODELS_WORK"/*.train.json
"$PY" "$here/build_model.py" prepare   # corpus + tokenizer once, before the parallel runs
build llama & A=$!
( build draft && build draft-bytes && nice -n 10 "$PY" "$here/make_gpt2_tiny.py" --out "$out" > "$log/run-gpt2-tiny.out" 2>&1 && echo "done: gpt2-tiny" ) & B=$!
wait $A
build bitnet & C=$!
wait $B
build llama-long
wait $C
echo "all models built in $(( $(date +%s) - start ))s"
"$PY" "$here/check_fixtures.py" --root "$out"
if [ "$out" != "$root/test/models" ]; then
  echo "(ORT check skipped: scripts/peers/check_all.sh checks test/models only)"
elif [ -d "${ORT_NODE:-/work/peers/node_modules/onnxruntime-node}" ]; then
  "$root/scripts/peers/check_all.sh"
else
  echo "onnxruntime-node not found: skipping scripts/peers/check_all.sh"
fi
