#!/usr/bin/env bash
# The GEMM/GEMV benchmark: models -> Ternion artifacts (--mcpu=host) -> ONNX
# Runtime timings -> the driver's table (docs/performance.md).
#   bash bench/gemm/run.sh [OUT_DIR] [THREADS]
# Needs a build with ternion-compile and ternion-bench-gemm
# (TERNION_BUILD_DIR, default ./build) and, for the ORT column, node with
# onnxruntime-node ($ORT_NODE); without it that column shows "-".
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TERNION_BUILD_DIR:-$root/build}
out=${1:-/tmp/ternion-bench-gemm}
threads=${2:-2}
mkdir -p "$out"
/usr/bin/python3 "$root/bench/gemm/make_models.py" "$out"
for model in $(cut -f2 "$out/cases.tsv" | sort -u); do
  "$build/bin/ternion-compile" "$out/$model.mlir" -o "$out/$model.tnx"
done
: > "$out/ort.tsv"
if node -e "require(process.env.ORT_NODE || '/work/peers/node_modules/onnxruntime-node')" 2>/dev/null; then
  for name in $(cut -f1 "$out/cases.tsv"); do
    node "$root/bench/gemm/ort_bench.js" "$out" "$name" "$threads" 1 >> "$out/ort.tsv"
  done
fi
echo "load: $(uptime)"
"$build/bin/ternion-bench-gemm" --models "$out" --ort "$out/ort.tsv" --threads "$threads"
