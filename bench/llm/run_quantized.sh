#!/usr/bin/env bash
# Quantization benchmark (issue 18): the ~96M f32 bench model (make_bench_model.py, random
# weights, the same one bench/llm/run.sh uses) quantized to 4 bits in one run, same prompt ids,
# batch 1, greedy: prefill of a 512-token prompt and 128 decode steps after it.
#
#   Ternion SINQ 4-bit   ternion-compile --quantize=sinq --bits 4 --group-size 64: every linear
#                        layer (LM head included) as 4-bit codes + f16 scale/zero per 64 inputs
#                        + SINQ column scales, the fused dequantizing kernel
#   Ternion RTN 4-bit    the same with --quantize=rtn (no column scales)
#   Ternion f32          no --quantize: the f32 kernels
#   llama.cpp Q4_0       the same f32 weights as a GGUF (to_gguf.py), then llama-quantize Q4_0;
#   llama.cpp Q4_K_M     and Q4_K_M; the token embedding kept f32 like Ternion's, the output
#                        tensor quantized like Ternion's LM head
#
# Also the compile time of --quantize=sinq against --quantize=rtn (the quantizer's share of
# it is printed by --progress). Decode bound: bytes a decode step reads over measured read
# bandwidth.
#
#   bash bench/llm/run_quantized.sh [--reps N] [--threads T] [--mcpu CPU]
#
# Prerequisites as bench/llm/run.sh (LLAMA_CPP with a build of llama-bench and
# llama-quantize; TERNION_BUILD_DIR; BENCH_DIR, default <repo>/build/bench-llm).
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
    *) echo "usage: run_quantized.sh [--reps N] [--threads T] [--mcpu CPU]" >&2; exit 2 ;;
  esac
done
LLAMA_CPP=${LLAMA_CPP:-/tmp/peers/llama.cpp}
build=${TERNION_BUILD_DIR:-$root/build}
work=${BENCH_DIR:-$root/build/bench-llm}
py=/usr/bin/python3
model="$work/model"
if [ "$mcpu" = host ]; then art="$work/quantized"; res="$work/results-quantized"; else
  art="$work/quantized-$mcpu"; res="$work/results-quantized-$mcpu"; fi
mkdir -p "$work" "$art" "$res"
log() { echo "[bench-quantized] $*" >&2; }

. "$here/common.sh"
bench_build_tools llama-bench llama-quantize

if [ ! -f "$model/config.json" ]; then
  log "generating the bench model in $model (~1 min)"
  $py "$root/bench/models/make_bench_model.py" "$model" >&2
fi
bench_write_gguf "$model"
for q in Q4_0 Q4_K_M; do
  if [ ! -f "$model/model-$q.gguf" ] || [ "$model/model-f32.gguf" -nt "$model/model-$q.gguf" ]; then
    log "llama-quantize $q"
    "$lbuild/bin/llama-quantize" --token-embedding-type f32 \
      "$model/model-f32.gguf" "$model/model-$q.gguf" $q > "$res/quantize-$q.log" 2>&1
  fi
done
compile() {  # name, extra ternion-compile options; the compile time goes to $res/compile-NAME.txt
  local out="$art/$1.tnx"
  if [ ! -f "$out/manifest.json" ] || [ "$build/bin/ternion-compile" -nt "$out/manifest.json" ]; then
    log "ternion-compile $1 --mcpu=$mcpu ${*:2}"
    /usr/bin/time -f "%e" -o "$res/compile-$1.txt" \
      "$build/bin/ternion-compile" "$model/model-kv.onnx" -o "$out" --max-context 2048 \
      --mcpu="$mcpu" --progress "${@:2}" 2> "$res/compile-$1.log"
  fi
}
compile sinq4 --quantize=sinq --bits 4 --group-size 64
compile rtn4 --quantize=rtn --bits 4 --group-size 64
compile f32
ids="$work/prompt-$prompt_len.txt"
bench_prompt_ids "$model" $prompt_len "$ids"

bench_conditions "$(grep -o '"mcpu": "[^"]*"' "$art/sinq4.tnx/manifest.json")"

log "read bandwidth"
"$bin/bandwidth" "$threads" 1024 10 > "$res/bandwidth.json"
for a in sinq4 rtn4 f32; do
  log "Ternion $a"
  OMP_NUM_THREADS=$threads "$build/bin/ternion-llm-bench" "$art/$a.tnx" "$ids" --decode $decode_len \
    --reps "$reps" --warmup 1 --logits-out "$res/ternion-$a.logits" > "$res/ternion-$a.json"
done
for q in Q4_0 Q4_K_M; do
  log "llama-bench $q"
  lb=("$lbuild/bin/llama-bench" -m "$model/model-$q.gguf" -t "$threads" -r "$reps" -o json)
  "${lb[@]}" -p $prompt_len -n 0 -d 0 > "$res/llama-$q-pp.json"
  "${lb[@]}" -p 0 -n $decode_len -d $prompt_len > "$res/llama-$q-tg.json"
done
"$bin/bandwidth" "$threads" 1024 10 > "$res/bandwidth-after.json"
echo
$py "$here/report_quantized.py" "$res" "$work" "$art" | tee "$res/report.txt"
