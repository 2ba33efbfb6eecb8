#!/usr/bin/env bash
# The CUDA target checked on a GPU, in one short run on a lent machine that
# has the NVIDIA driver but no LLVM (docs/cuda.md, "Checking on a GPU").
#
#   scripts/device-check.sh prepare [DIR]   here: compile the fixtures' CUDA
#                                           artifacts and bundle them with
#                                           ternion-run and its libraries
#                                           (default DIR: build/device-check)
#   scripts/device-check.sh run [DIR]       there: run every check; exit 1
#                                           if any fails
#
# The repository travels with the run (test/models holds the references);
# DIR is carried beside it. The bundle stays under the carry limit of
# 64 MiB less the working tree (~46 MB of it is the fixtures), so it holds
# the four smallest fixtures; llama's RoPE/GQA graph is covered by gpt2's
# and draft's kernels' shapes and by the emulated run of all six
# (test/Target/CUDA/emulated-fixtures.test).
#
# Checks, per artifact: outputs of the KV-cache graph against PyTorch's
# (gpt2-tiny, test_data_set_0 and 1, atol 1e-3), and greedy generation's
# ids against the ids PyTorch recorded for every reference prompt (draft,
# draft-bytes, bitnet, gpt2-tiny). Each check's time is printed with it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-}
dir=${2:-$root/build/device-check}
build=${TERNION_BUILD_DIR:-$root/build}
models=$root/test/models

prepare() {
  local compile=$build/bin/ternion-compile
  [ -x "$compile" ] || { echo "device-check: build Ternion first (scripts/build.sh)" >&2; exit 1; }
  rm -rf "$dir" && mkdir -p "$dir/bin" "$dir/lib"
  cp "$build/bin/ternion-run" "$dir/bin/"
  cp "$build/lib/libTernionRuntime.so" "$dir/lib/"
  # The runtime's one dependency outside glibc and libstdc++.
  cp -L "$(ldconfig -p | awk '/libsentencepiece.so.0 /{print $NF; exit}')" "$dir/lib/"
  "$compile" "$models/gpt2-tiny/model-kv.onnx" --target=cuda --kv-cache=concat -o "$dir/gpt2-kv.tnx"
  "$compile" "$models/gpt2-tiny/model-kv.onnx" --target=cuda -o "$dir/gpt2.tnx" --max-context 256
  local fixture
  for fixture in draft bitnet; do
    "$compile" "$models/$fixture/model-kv.onnx" --target=cuda -o "$dir/$fixture.tnx" \
      --tokenizer "$models/$fixture/tokenizer.model" --max-context 512
  done
  "$compile" "$models/draft-bytes/model-kv.onnx" --target=cuda -o "$dir/draft-bytes.tnx" \
    --tokenizer "$models/draft-bytes/tokenizer.json" --max-context 512
  echo "device-check: bundle in $dir ($(du -sh "$dir" | cut -f1)); carry it with scripts/device-check.sh run"
}

run() {
  export LD_LIBRARY_PATH=$dir/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  local ternion_run=$dir/bin/ternion-run failed=0 start
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  check() { # name, command...
    local name=$1 status=0
    shift
    start=$(date +%s.%N)
    "$@" >"$dir/$name.log" 2>&1 || status=$?
    printf '%-28s %s  %5.1f s\n' "$name" "$([ $status = 0 ] && echo PASS || echo FAIL)" \
      "$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN{print a-b}')"
    if [ $status != 0 ]; then failed=1; tail -n 20 "$dir/$name.log"; fi
  }
  local set inputs expected i
  for set in 0 1; do
    inputs=() expected=()
    for i in $(seq 0 6); do inputs+=(--input "$models/gpt2-tiny/kv/test_data_set_$set/input_$i.pb"); done
    for i in $(seq 0 4); do expected+=(--expected "$models/gpt2-tiny/kv/test_data_set_$set/output_$i.pb"); done
    check "gpt2-kv-test-data-$set" "$ternion_run" "$dir/gpt2-kv.tnx" "${inputs[@]}" "${expected[@]}" \
      --atol 1e-3 --rtol 0
  done
  local fixture
  for fixture in gpt2:gpt2-tiny draft:draft draft-bytes:draft-bytes bitnet:bitnet; do
    check "${fixture%%:*}-greedy-ids" python3 "$root/test/EndToEnd/Inputs/generate_all_prompts.py" \
      "$ternion_run" "$dir/${fixture%%:*}.tnx" "$models/${fixture#*:}"
  done
  check "gpt2-generate-bench" "$ternion_run" "$dir/gpt2.tnx" --prompt-ids 1,2,3,4,5,6,7,8 -n 64 \
    --greedy --ids --bench
  grep -h "tok/s" "$dir/gpt2-generate-bench.log" || true
  return $failed
}

case "$mode" in
  prepare) prepare ;;
  run) run ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
