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
#
# Then the benchmark of the ~96M bench model (bench/models/make_bench_model.py):
# prefill 512 tokens and decode 128 after them, against the decode bound
# (weight bytes / the device's measured read bandwidth) and cuBLAS GEMMs of
# the model's linear layers at 512 rows (bench/cuda/gemm_baseline.cu, built
# there with nvcc). Its 384 MB of weights cannot travel: the bundle carries
# the artifact without weights.bin and the layout of the file
# (bench/cuda/weights_regions.py), and the run regenerates it there: float
# weights from a seeded generator (the kernels' time does not depend on the
# values), integer tables exactly. The text it generates is meaningless.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-}
dir=${2:-$root/build/device-check}
build=${TERNION_BUILD_DIR:-$root/build}
models=$root/test/models
# The device's python3 has numpy; here Debian's does (/usr/bin/python3).
python=${PYTHON:-python3}

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

  local bench=$build/bench-cuda
  [ -f "$bench/model/model-kv.onnx" ] ||
    /usr/bin/python3 "$root/bench/models/make_bench_model.py" "$bench/model"
  "$compile" "$bench/model/model-kv.onnx" --target=cuda --max-context 1024 -o "$bench/bench.tnx"
  "$compile" "$bench/model/model-kv.onnx" --target=cuda --max-context 1024 --emit=gpu \
    -o "$bench/bench.gpu.mlir"
  /usr/bin/python3 "$root/bench/cuda/weights_regions.py" split "$bench/bench.gpu.mlir" \
    "$bench/bench.tnx/weights.bin" "$dir/bench-weights"
  mkdir -p "$dir/bench.tnx"
  cp "$bench/bench.tnx/model.so" "$bench/bench.tnx/manifest.json" "$dir/bench.tnx/"
  cp "$bench/model/config.json" "$dir/bench-config.json"
  echo "device-check: bundle in $dir ($(du -sh "$dir" | cut -f1)); carry it with scripts/device-check.sh run"
}

run() {
  export LD_LIBRARY_PATH=$dir/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export PATH=$PATH:/usr/local/cuda/bin
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
    check "${fixture%%:*}-greedy-ids" "$python" "$root/test/EndToEnd/Inputs/generate_all_prompts.py" \
      "$ternion_run" "$dir/${fixture%%:*}.tnx" "$models/${fixture#*:}"
  done
  bench
  return $failed
}

bench() {
  local size shapes head
  # The regenerated weights stay out of the bundle once the run is over.
  trap 'rm -f "$dir/bench.tnx/weights.bin"' EXIT
  size=$("$python" -c "import json,sys; print(json.load(open(sys.argv[1]))['weights']['size'])" \
    "$dir/bench.tnx/manifest.json")
  check "bench-weights" "$python" "$root/bench/cuda/weights_regions.py" fill "$dir/bench-weights" \
    "$dir/bench.tnx/weights.bin" "$size"
  check "bench-cublas-build" nvcc -O2 -o "$dir/gemm_baseline" "$root/bench/cuda/gemm_baseline.cu" \
    -lcublas
  # One layer's linear shapes (N K): q, k, v, o, gate, up, down; then the LM head.
  { read -r shapes; read -r head; } < <("$python" -c "
import json, sys
c = json.load(open(sys.argv[1]))['config']
d, f, v = c['dim'], c['ffn_dim'], c['vocab_size']
kv = c['n_kv_heads'] * c['head_dim']
print(' '.join(f'{n} {k}' for n, k in [(d, d), (kv, d), (kv, d), (d, d), (f, d), (f, d), (d, f)]))
print(v, d)" "$dir/bench-config.json")
  check "bench-cublas-layer" "$dir/gemm_baseline" 512 $shapes
  check "bench-cublas-head" "$dir/gemm_baseline" 512 $head
  check "bench-ternion" timeout 300 "$ternion_run" "$dir/bench.tnx" --no-verify-weights \
    --prompt-ids "$(seq -s, 1 512)" -n 129 --greedy --ids --bench
  "$python" - "$dir" <<'PY' || failed=1
import json, re, sys
d = sys.argv[1]
text = lambda name: open(f"{d}/{name}.log").read()
layers = json.load(open(f"{d}/bench-config.json"))["config"]["n_layers"]
weights = json.load(open(f"{d}/bench.tnx/manifest.json"))["weights"]["size"]
bandwidth = float(re.search(r"read bandwidth: ([\d.]+) GB/s", text("bench-cublas-layer")).group(1))
total = lambda name, kind: float(re.search(rf"gemm total: f32 ([\d.]+) ms, tf32 ([\d.]+) ms",
                                           text(name)).group(1 if kind == "f32" else 2))
cublas = {k: layers * total("bench-cublas-layer", k) + total("bench-cublas-head", k)
          for k in ("f32", "tf32")}
run = text("bench-ternion")
prefill_ms = float(re.search(r"prefill: \d+ tokens in ([\d.]+) ms", run).group(1))
decode = float(re.search(r"decode: \d+ tokens in [\d.]+ ms \(([\d.]+) tokens/s\)", run).group(1))
bound = bandwidth * 1e9 / weights
print(f"device read bandwidth {bandwidth:.0f} GB/s; weights {weights / 1e6:.0f} MB; "
      f"decode bound {bound:.0f} tokens/s")
print(f"decode: {decode:.1f} tokens/s = {100 * decode / bound:.1f}% of the bound (target >= 50%)")
print(f"prefill 512: {prefill_ms:.1f} ms for the whole model; cuBLAS linear layers alone "
      f"{cublas['f32']:.2f} ms (f32), {cublas['tf32']:.2f} ms (tf32): "
      f"{100 * cublas['f32'] / prefill_ms:.1f}% / {100 * cublas['tf32'] / prefill_ms:.1f}% "
      f"(target >= 50%; Ternion's time includes attention and norms)")
PY
}

case "$mode" in
  prepare) prepare ;;
  run) run ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
