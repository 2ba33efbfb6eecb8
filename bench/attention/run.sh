#!/usr/bin/env bash
# Sparse attention prefill against Ternion's dense flash attention, at 8K,
# 16K, 32K and 64K tokens (docs/performance.md, "Sparse attention").
# usage: bench/attention/run.sh [CONTEXT...]   (default: 8192 16384 32768 65536)
# HEADS, KV_HEADS and HEAD_DIM set the shape (default 4, 2, 64: one layer of
# a small GQA model); RUNS the runs per pattern (median; default 3 up to 16K,
# else 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bash "$root/scripts/build.sh" ternion-compile ternion-attention-bench >/dev/null
work=${TMPDIR:-/tmp}/ternion-attention-bench
mkdir -p "$work"
contexts=("$@")
[ ${#contexts[@]} -gt 0 ] || contexts=(8192 16384 32768 65536)
for n in "${contexts[@]}"; do
  "$root/build/bin/ternion-attention-bench" --emit-mlir --context "$n" --heads "${HEADS:-4}" \
    --kv-heads "${KV_HEADS:-2}" --head-dim "${HEAD_DIM:-64}" > "$work/attention-$n.mlir"
  "$root/build/bin/ternion-compile" "$work/attention-$n.mlir" -o "$work/attention-$n.tnx" 2>/dev/null
  runs=${RUNS:-$([ "$n" -le 16384 ] && echo 3 || echo 1)}
  "$root/build/bin/ternion-attention-bench" "$work/attention-$n.tnx" --context "$n" --runs "$runs"
  echo
done
