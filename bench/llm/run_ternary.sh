#!/usr/bin/env bash
# Ternary benchmark (issue 17): the ~96M bench model in BitNet b1.58 deploy form
# (make_bench_model.py --bitnet: int8 {-1, 0, +1} codes times a scale, int8 absmax
# activations; the f32 lm_head and embedding as BitNet keeps them), in one run, same prompt
# ids, batch 1, greedy: prefill of a 512-token prompt and 128 decode steps after it.
#
#   Ternion ternary   ternion-compile (default --ternary=auto): tern.ternary_linear, i2 codes,
#                     int8 dot-product kernels (vpdpbusd / vpmaddubsw per --mcpu)
#   Ternion LUT       the same with --ternary-kernel=lut: pair codes, lookup-table kernels
#                     (vpshufb over per-row tables of pair sums)
#   Ternion base3     the same with --ternary-format=base3 (1.6 bits a weight)
#   Ternion f32       the same weights folded to f32 constants (bitnet_export_forms.py folded)
#                     compiled with --ternary=off: f32 linear layers, the existing f32 kernels
#   llama.cpp TQ2_0   the same weights as an f32 GGUF (to_gguf.py), then llama-quantize TQ2_0;
#   llama.cpp TQ1_0   and TQ1_0; output and token-embedding tensors kept f32 like Ternion's
#
# Before timing, llama.cpp's TQ2_0 prefill logits are compared with Ternion's (llama.cpp
# quantizes activations per block of 256 (Q8_K), BitNet per token, so they agree closely
# but not exactly; the report prints the difference). Decode bound: bytes a decode step
# reads (weights + the KV cache at 512) / measured read bandwidth.
#
#   bash bench/llm/run_ternary.sh [--reps N] [--threads T] [--mcpu CPU]
#
# --mcpu compiles Ternion's artifacts for that CPU instead of the host (e.g. znver3: the AVX2
# kernels, vpmaddubsw, on an AVX-512 machine; llama.cpp stays built for the host), into
# $BENCH_DIR/mcpu-CPU with its own results-CPU folder. The report names the host CPU, its
# vector extensions and the kernels' instruction set.
#
# Prerequisites as bench/llm/run.sh (LLAMA_CPP with a build of llama-bench and
# llama-quantize; TERNION_BUILD_DIR; BENCH_DIR, default <repo>/build/bench-ternary).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/llm"
reps=3
threads=2
mcpu=host
prompt_len=512
decode_len=128
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --mcpu) mcpu=$2; shift 2 ;;
    *) echo "usage: run_ternary.sh [--reps N] [--threads T] [--mcpu CPU]" >&2; exit 2 ;;
  esac
done
LLAMA_CPP=${LLAMA_CPP:-/tmp/peers/llama.cpp}
build=${TERNION_BUILD_DIR:-$root/build}
work=${BENCH_DIR:-$root/build/bench-ternary}
py=/usr/bin/python3
model="$work/model"
# Ternion's artifacts and the results: per --mcpu, beside the shared model and GGUFs.
if [ "$mcpu" = host ]; then art="$work"; res="$work/results"; else art="$work/mcpu-$mcpu"; res="$work/results-$mcpu"; fi
mkdir -p "$work" "$art" "$res"
log() { echo "[bench-ternary] $*" >&2; }

. "$here/common.sh"
bench_build_tools llama-bench llama-quantize

# ---- the model, its GGUFs, the artifacts, the prompt
if [ ! -f "$model/config.json" ]; then
  log "generating the BitNet bench model in $model (~6 min)"
  $py "$root/bench/models/make_bench_model.py" "$model" --bitnet >&2
fi
bench_write_gguf "$model"
for q in TQ2_0 TQ1_0; do
  if [ ! -f "$model/model-$q.gguf" ] || [ "$model/model-f32.gguf" -nt "$model/model-$q.gguf" ]; then
    log "llama-quantize $q"
    "$lbuild/bin/llama-quantize" --output-tensor-type f32 --token-embedding-type f32 \
      "$model/model-f32.gguf" "$model/model-$q.gguf" $q > "$res/quantize-$q.log" 2>&1
  fi
done
if [ ! -f "$model/model-kv-folded.onnx" ]; then
  log "writing the folded f32 form of the same weights"
  $py "$root/test/EndToEnd/Inputs/bitnet_export_forms.py" "$model/model-kv.onnx" "$model" folded >&2
fi
compile() {  # name, model, extra ternion-compile options
  local out="$art/$1.tnx"
  if [ ! -f "$out/manifest.json" ] || [ "$build/bin/ternion-compile" -nt "$out/manifest.json" ]; then
    log "ternion-compile $1 --mcpu=$mcpu ${*:3}"
    /usr/bin/time -f "[bench-ternary] ternion-compile $1: %e s, peak RSS %M KB" \
      "$build/bin/ternion-compile" "$2" -o "$out" --max-context 2048 --mcpu="$mcpu" "${@:3}" >&2
  fi
}
compile ternary "$model/model-kv.onnx"
compile lut "$model/model-kv.onnx" --ternary-kernel=lut
compile base3 "$model/model-kv.onnx" --ternary-format=base3
compile f32 "$model/model-kv-folded.onnx" --ternary=off
ids="$work/prompt-$prompt_len.txt"
bench_prompt_ids "$model" $prompt_len "$ids"

# ---- conditions
bench_conditions "$(grep -o '"mcpu": "[^"]*"\|"int8_dot": "[^"]*"' "$art/ternary.tnx/manifest.json" | tr '\n' ' ')"

# ---- measurements, all in this run
log "read bandwidth"
"$bin/bandwidth" "$threads" 1024 10 > "$res/bandwidth.json"
for a in ternary lut base3 f32; do
  log "Ternion $a"
  OMP_NUM_THREADS=$threads "$build/bin/ternion-llm-bench" "$art/$a.tnx" "$ids" --decode $decode_len \
    --reps "$reps" --warmup 1 --logits-out "$res/ternion-$a.logits" > "$res/ternion-$a.json"
done
log "llama.cpp TQ2_0 (check: prefill logits)"
"$bin/llama_check" "$model/model-TQ2_0.gguf" "$ids" 1 "$threads" "$res/llama-TQ2_0.logits" 0 \
  > "$res/llama-check.json"
for q in TQ2_0 TQ1_0; do
  log "llama-bench $q"
  lb=("$lbuild/bin/llama-bench" -m "$model/model-$q.gguf" -t "$threads" -r "$reps" -o json)
  "${lb[@]}" -p $prompt_len -n 0 -d 0 > "$res/llama-$q-pp.json"
  "${lb[@]}" -p 0 -n $decode_len -d $prompt_len > "$res/llama-$q-tg.json"
done
"$bin/bandwidth" "$threads" 1024 10 > "$res/bandwidth-after.json"
echo
$py "$here/report_ternary.py" "$res" "$work" "$art" | tee "$res/report.txt"
